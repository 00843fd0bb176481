package runner

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/casebook-dev/casebook/internal/casefile"
)

func namedCases(n int) []*casefile.Case {
	out := make([]*casefile.Case, n)
	for i := range out {
		out[i] = &casefile.Case{Name: fmt.Sprintf("case-%04d", i)}
	}
	return out
}

func names(cs []*casefile.Case) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Name)
	}
	return out
}

// TestShardsPartition: across shards 1..n every case runs exactly once.
func TestShardsPartition(t *testing.T) {
	cases := namedCases(500)
	for _, n := range []int{1, 2, 3, 4, 7, 16} {
		seen := map[string]int{}
		sizes := make([]int, 0, n)
		for i := 1; i <= n; i++ {
			got, err := Select(cases, Selection{Shard: Shard{Index: i, Count: n}})
			if err != nil {
				t.Fatal(err)
			}
			sizes = append(sizes, len(got))
			for _, c := range got {
				seen[c.Name]++
			}
		}
		for _, c := range cases {
			if seen[c.Name] != 1 {
				t.Errorf("n=%d: case %s ran %d times, want exactly once", n, c.Name, seen[c.Name])
			}
		}
		// Balance: a random split of 500 over n; allow 4 standard deviations.
		mean := 500.0 / float64(n)
		for i, s := range sizes {
			if d := float64(s) - mean; d*d > 16*mean {
				t.Errorf("n=%d: shard %d has %d cases, want about %.0f", n, i+1, s, mean)
			}
		}
	}
}

// TestShardsStable: adding cases moves no existing case, and going from n
// to n+1 shards moves only cases into the new shard.
func TestShardsStable(t *testing.T) {
	cases := namedCases(400)
	for _, c := range cases[:300] {
		before := ShardOf(c.Name, 5)
		if after := ShardOf(c.Name, 5); before != after {
			t.Fatalf("ShardOf(%s, 5) is not deterministic: %d then %d", c.Name, before, after)
		}
	}
	moved := 0
	for _, c := range cases {
		from, to := ShardOf(c.Name, 4), ShardOf(c.Name, 5)
		if from != to {
			moved++
			if to != 5 {
				t.Errorf("%s moved from shard %d to %d going from 4 to 5 shards; only moves to the new shard are allowed", c.Name, from, to)
			}
		}
	}
	if moved == 0 || moved > 400/5*2 {
		t.Errorf("%d of 400 cases moved going from 4 to 5 shards, want about 80", moved)
	}
}

func TestSelectOrderAndTags(t *testing.T) {
	cases := []*casefile.Case{
		{Name: "a", Tags: []string{"genesys", "slow"}},
		{Name: "b", Tags: []string{"genesys"}},
		{Name: "c", Tags: []string{"pc"}},
		{Name: "d"},
	}
	for _, tc := range []struct {
		name string
		sel  Selection
		want []string
	}{
		{"nothing selects all", Selection{}, []string{"a", "b", "c", "d"}},
		{"tags are OR'ed", Selection{Tags: []string{"pc", "slow"}}, []string{"a", "c"}},
		{"skip wins over tags", Selection{Tags: []string{"genesys"}, SkipTags: []string{"slow"}}, []string{"b"}},
		{"untagged cases survive skip", Selection{SkipTags: []string{"genesys"}}, []string{"c", "d"}},
		{"one shard of one", Selection{Shard: Shard{1, 1}}, []string{"a", "b", "c", "d"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Select(cases, tc.sel)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(names(got), tc.want) {
				t.Errorf("Select(%+v) = %v, want %v", tc.sel, names(got), tc.want)
			}
		})
	}
}

func TestSelectUnknownTag(t *testing.T) {
	cases := []*casefile.Case{{Name: "a", Tags: []string{"genesys"}}}
	_, err := Select(cases, Selection{SkipTags: []string{"genesis"}})
	var ue *UsageError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), `did you mean "genesys"`) {
		t.Errorf("Select with a misspelt skip tag: err = %v, want a UsageError with did you mean", err)
	}
}

func TestParseShard(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Shard
		ok   bool
	}{
		{"1/4", Shard{1, 4}, true},
		{"4/4", Shard{4, 4}, true},
		{"0/4", Shard{}, false}, // 1-based, as GitHub's matrix counts
		{"5/4", Shard{}, false},
		{"1/0", Shard{}, false},
		{"1", Shard{}, false},
		{"a/b", Shard{}, false},
	} {
		got, err := ParseShard(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseShard(%q) = %v, %v; want %v, ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}
