// Package suggest picks the "did you mean" candidate for a misspelt name:
// a case-file key, a body field, an operation path.
package suggest

import (
	"fmt"
	"strings"
)

// Distance is the edit distance between a and b (optimal string alignment:
// insertions, deletions, substitutions and transpositions of neighbours each
// cost one, so "rnu" is one edit from "run"), compared case-insensitively
// (callerid and callerId are equal).
func Distance(a, b string) int {
	if isASCII(a) && isASCII(b) {
		return osa([]byte(strings.ToLower(a)), []byte(strings.ToLower(b)))
	}
	return osa([]rune(strings.ToLower(a)), []rune(strings.ToLower(b)))
}

// osa computes the distance keeping three rows (a transposition looks two
// rows back); rows live on the stack for names under 64 characters.
func osa[T byte | rune](a, b []T) int {
	n, m := len(a), len(b)
	var buf [3 * 64]int
	rows := buf[:]
	if 3*(m+1) > len(rows) {
		rows = make([]int, 3*(m+1))
	}
	pp, prev, cur := rows[:m+1], rows[m+1:2*(m+1)], rows[2*(m+1):3*(m+1)]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= n; i++ {
		cur[0] = i
		for j := 1; j <= m; j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], pp[j-2]+1)
			}
		}
		pp, prev, cur = prev, cur, pp
	}
	return prev[m]
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// Closest returns the candidate nearest to name, or "" when none is close
// enough to be a plausible misspelling: at most a third of the longer name
// may differ, or one name contains the other.
func Closest(name string, candidates []string) string {
	best, bestD := "", -1
	for _, c := range candidates {
		d := Distance(name, c)
		if bestD < 0 || d < bestD {
			best, bestD = c, d
		}
	}
	if best == "" {
		return ""
	}
	if bestD*3 <= max(len(name), len(best)) {
		return best
	}
	// One name containing the other (req for request, phoneNumberE164 for
	// phoneNumber) is close too, however many letters it adds.
	lname := strings.ToLower(name)
	for _, c := range candidates {
		lc := strings.ToLower(c)
		if (len(lname) >= 3 && strings.Contains(lc, lname)) || (len(lc) >= 4 && strings.Contains(lname, lc)) {
			return c
		}
	}
	return ""
}

// Hint is ` (did you mean "x"?)` for the candidate Closest picks, or ""
// when none is close: the tail every "unknown name" message ends with.
func Hint(name string, candidates []string) string {
	if name == "" {
		return ""
	}
	if s := Closest(name, candidates); s != "" {
		return fmt.Sprintf(" (did you mean %q?)", s)
	}
	return ""
}
