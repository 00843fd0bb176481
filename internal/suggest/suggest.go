// Package suggest picks the "did you mean" candidate for a misspelt name:
// a case-file key, a body field, an operation path.
package suggest

import "strings"

// Distance is the Levenshtein edit distance between a and b, compared
// case-insensitively (callerid and callerId are one edit apart, not three).
func Distance(a, b string) int {
	if len(b) < 64 && isASCII(a) && isASCII(b) {
		return asciiDistance(a, b)
	}
	ra, rb := []rune(strings.ToLower(a)), []rune(strings.ToLower(b))
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// asciiDistance is Distance without allocating, for the common case: Nearest
// compares every operation's path segments, thousands per lookup.
func asciiDistance(a, b string) int {
	var prevBuf, curBuf [64]int
	prev, cur := prevBuf[:len(b)+1], curBuf[:len(b)+1]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		ca := lower(a[i-1])
		for j := 1; j <= len(b); j++ {
			cost := 1
			if ca == lower(b[j-1]) {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
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
