package spec

import (
	"sort"
	"strings"

	"github.com/casebook-dev/casebook/internal/suggest"
)

// Nearest names up to n operations closest to "method path", best first, as
// "POST /api/v2/conversations/calls". Closeness counts differing path
// segments (a template parameter matches any segment at a small cost; a
// near-miss literal costs less than a different one), then a different method.
func (s *Spec) Nearest(method, path string, n int) []string {
	type scored struct {
		op    *Operation
		score int
	}
	want := splitPath(path)
	all := make([]scored, 0, len(s.ops))
	for _, op := range s.ops {
		sc := segmentDistance(want, op.segments) * 4
		if op.Method != strings.ToUpper(method) {
			sc += 8 // a different method weighs as much as two changed segments
		}
		all = append(all, scored{op, sc})
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].score < all[j].score })
	var out []string
	for _, sc := range all {
		if len(out) == n {
			break
		}
		out = append(out, sc.op.String())
	}
	return out
}

// segmentDistance is an edit distance over path segments.
func segmentDistance(a, b []string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j * 2
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i * 2
		for j := 1; j <= len(b); j++ {
			cur[j] = min(prev[j]+2, cur[j-1]+2, prev[j-1]+segmentCost(a[i-1], b[j-1]))
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func segmentCost(got, tmpl string) int {
	switch {
	case got == tmpl:
		return 0
	case isParam(tmpl):
		return 1 // a parameter takes any value, but a literal that matches is better
	case suggest.Distance(got, tmpl)*3 <= max(len(got), len(tmpl)):
		return 1
	}
	return 2
}
