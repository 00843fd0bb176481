package runner

import (
	"fmt"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"

	"github.com/casebook-dev/casebook/internal/casefile"
	"github.com/casebook-dev/casebook/internal/suggest"
)

// Selection narrows a run to some cases: by tag, and to one shard of a
// suite split across CI jobs.
type Selection struct {
	// Tags keeps the cases carrying at least one of these tags (none: all).
	Tags []string
	// SkipTags drops the cases carrying any of these tags; it wins over Tags.
	SkipTags []string
	// Shard keeps one part of a deterministic partition (zero value: all).
	Shard Shard
}

// Shard is part Index (1-based) of Count parts.
type Shard struct {
	Index, Count int
}

// ParseShard reads "i/n" with 1 <= i <= n, as --shard takes it.
func ParseShard(s string) (Shard, error) {
	i, n, ok := strings.Cut(s, "/")
	if ok {
		idx, err1 := strconv.Atoi(strings.TrimSpace(i))
		cnt, err2 := strconv.Atoi(strings.TrimSpace(n))
		if err1 == nil && err2 == nil && cnt >= 1 && idx >= 1 && idx <= cnt {
			return Shard{Index: idx, Count: cnt}, nil
		}
	}
	return Shard{}, &UsageError{Msg: fmt.Sprintf("want i/n with 1 <= i <= n, e.g. 2/4, got %q", s)}
}

func (s Shard) String() string { return fmt.Sprintf("%d/%d", s.Index, s.Count) }

// AddTags adds a comma-separated list of tags to Tags (--tags).
func (sel *Selection) AddTags(list string) error {
	sel.Tags = append(sel.Tags, splitList(list)...)
	return nil
}

// AddSkipTags adds a comma-separated list of tags to SkipTags (--skip-tags).
func (sel *Selection) AddSkipTags(list string) error {
	sel.SkipTags = append(sel.SkipTags, splitList(list)...)
	return nil
}

// SetShard sets Shard from "i/n" (--shard).
func (sel *Selection) SetShard(s string) (err error) {
	sel.Shard, err = ParseShard(s)
	return err
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// Select returns the cases sel keeps, in their original order. A tag in
// Tags or SkipTags that no case carries is a *UsageError (with the nearest
// tag): a misspelt --skip-tags would otherwise silently run what it meant
// to skip.
func Select(cases []*casefile.Case, sel Selection) ([]*casefile.Case, error) {
	if err := checkTags(cases, sel); err != nil {
		return nil, err
	}
	var out []*casefile.Case
	for _, c := range cases {
		if len(sel.Tags) > 0 && !hasAny(c.Tags, sel.Tags) {
			continue
		}
		if hasAny(c.Tags, sel.SkipTags) {
			continue
		}
		if sel.Shard.Count > 1 && ShardOf(c.Name, sel.Shard.Count) != sel.Shard.Index {
			continue
		}
		out = append(out, c)
	}
	return out, nil
}

// ShardOf is the shard (1..n) a case belongs to. It is rendezvous hashing
// on the case's name: each shard scores the name and the highest score
// wins. A case's shard depends only on its own name and n, so adding or
// removing a case moves no other case, and going from n to n+1 shards moves
// only the cases the new shard wins (about 1/(n+1) of them). The cost is
// balance: shards are as even as a random split (binomial), not exactly
// equal; a suite of a few cases over many shards can leave one empty.
func ShardOf(name string, n int) int {
	best, bestScore := 1, uint64(0)
	for i := 1; i <= n; i++ {
		h := fnv.New64a()
		h.Write([]byte(name))
		h.Write([]byte{0})
		h.Write([]byte(strconv.Itoa(i)))
		score := mix(h.Sum64())
		if i == 1 || score > bestScore {
			best, bestScore = i, score
		}
	}
	return best
}

// mix is splitmix64's finalizer: FNV's low bits are weak for names that
// differ only in their last characters.
func mix(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

func hasAny(tags, want []string) bool {
	for _, t := range want {
		if slices.Contains(tags, t) {
			return true
		}
	}
	return false
}

func checkTags(cases []*casefile.Case, sel Selection) error {
	known := map[string]bool{}
	var all []string
	for _, c := range cases {
		for _, t := range c.Tags {
			if !known[t] {
				known[t] = true
				all = append(all, t)
			}
		}
	}
	slices.Sort(all)
	for _, list := range []struct {
		flag string
		tags []string
	}{{"--tags", sel.Tags}, {"--skip-tags", sel.SkipTags}} {
		for _, t := range list.tags {
			if known[t] {
				continue
			}
			msg := fmt.Sprintf("%s: no case has the tag %q", list.flag, t)
			if s := suggest.Closest(t, all); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			} else if len(all) > 0 {
				msg += " (tags: " + strings.Join(all, ", ") + ")"
			}
			return &UsageError{Msg: msg}
		}
	}
	return nil
}
