package spec

import (
	"cmp"
	"slices"
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
	costs := newSegmentCosts(want)
	method = strings.ToUpper(method)
	for _, op := range s.ops {
		sc := costs.distance(op.segments) * 4
		if op.Method != method {
			sc += 8 // a different method weighs as much as two changed segments
		}
		all = append(all, scored{op, sc})
	}
	slices.SortStableFunc(all, func(a, b scored) int { return cmp.Compare(a.score, b.score) })
	var out []string
	for _, sc := range all {
		if len(out) == n {
			break
		}
		out = append(out, sc.op.String())
	}
	return out
}

// segmentCosts remembers segmentCost of each request segment against each
// template segment: the same few request segments meet the same template
// segments ("api", "v2", "{conversationId}") in hundreds of operations (a
// published spec has ~1,000), and the edit distance behind a cost was the
// whole price of Nearest.
type segmentCosts struct {
	want      []string
	memo      []map[string]int // per request segment, by template segment
	prev, cur []int            // the distance's rows, reused
}

func newSegmentCosts(want []string) *segmentCosts {
	c := &segmentCosts{want: want, memo: make([]map[string]int, len(want))}
	for i := range c.memo {
		c.memo[i] = map[string]int{}
	}
	return c
}

func (c *segmentCosts) cost(i int, tmpl string) int {
	v, ok := c.memo[i][tmpl]
	if !ok {
		v = segmentCost(c.want[i], tmpl)
		c.memo[i][tmpl] = v
	}
	return v
}

// distance is an edit distance over path segments, from the request's to b.
func (c *segmentCosts) distance(b []string) int {
	a := c.want
	if cap(c.prev) < len(b)+1 {
		c.prev, c.cur = make([]int, len(b)+1), make([]int, len(b)+1)
	}
	prev, cur := c.prev[:len(b)+1], c.cur[:len(b)+1]
	for j := range prev {
		prev[j] = j * 2
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i * 2
		for j := 1; j <= len(b); j++ {
			cur[j] = min(prev[j]+2, cur[j-1]+2, prev[j-1]+c.cost(i-1, b[j-1]))
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
	case 3*max(len(got)-len(tmpl), len(tmpl)-len(got)) > max(len(got), len(tmpl)):
		return 2 // the distance is at least the difference in length: too far
	case suggest.Distance(got, tmpl)*3 <= max(len(got), len(tmpl)):
		return 1
	}
	return 2
}
