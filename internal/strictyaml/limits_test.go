package strictyaml

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// aliasBomb is the file: nine anchors of nine aliases (9^9 scalars
// once expanded), under key: at indent.
func aliasBomb(key, indent string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s:\n", key)
	fmt.Fprintf(&b, "%s  a0: &a0 [x, x, x, x, x, x, x, x, x]\n", indent)
	for i := 1; i < 9; i++ {
		fmt.Fprintf(&b, "%s  a%d: &a%d [%s]\n", indent, i, i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*a%d, ", i-1), 9), ", "))
	}
	return b.String()
}

func TestParseRefusesUnboundedDocuments(t *testing.T) {
	// Each half nests 600 lists as written; the alias puts one inside the other.
	nested := "x: &x " + strings.Repeat("[", 600) + strings.Repeat("]", 600) + "\n" +
		"y: " + strings.Repeat("[", 600) + "*x" + strings.Repeat("]", 600) + "\n"
	tests := []struct {
		name, src, want string
	}{
		{"alias bomb", aliasBomb("body", ""), "d.yaml:7:22: excessive aliasing: *a4 takes the document past 250000 values"},
		{"alias to its own list", "body: &a [x, *a]\n", "d.yaml:1:14: *a refers to a value that contains it"},
		{"alias to its own mapping", "body: &r\n  next: *r\n", "d.yaml:2:9: *r refers to a value that contains it"},
		{"alias to an enclosing value", "a: &a\n  b: [1, {c: *a}]\n", "d.yaml:2:14: *a refers to a value that contains it"},
		{"an alias nesting values too deep", nested, "d.yaml:2:604: *x nests values more than 1000 levels deep"},
		{"values as written nested too deep", strings.Repeat("[", MaxDepth+1) + strings.Repeat("]", MaxDepth+1), "values nested more than 1000 levels deep"},
		{"larger than a YAML file may be", "x: " + strings.Repeat("y", MaxFileBytes), "d.yaml: larger than 1 MiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("d.yaml", []byte(tt.src))
			var list ErrorList
			if !errors.As(err, &list) || len(list) != 1 || !strings.Contains(list[0].Error(), tt.want) {
				t.Fatalf("Parse = %v, want one error containing %q", err, tt.want)
			}
		})
	}
}

// TestTooManyValuesAsWritten: the bound holds without aliases too. The
// tree is built rather than parsed: 250,001 values take half a megabyte of
// YAML, seconds under the race detector.
func TestTooManyValuesAsWritten(t *testing.T) {
	list := &yaml.Node{Kind: yaml.SequenceNode, Line: 1, Column: 1}
	for i := range MaxValues {
		list.Content = append(list.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: "1", Line: 1, Column: 2 + 2*i})
	}
	doc := &yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{list}}
	want := fmt.Sprintf("d.yaml:1:%d: the document holds more than %d values", 2*MaxValues-2, MaxValues)
	if err := checkExpansion("d.yaml", doc); err == nil || err.Error() != want {
		t.Errorf("checkExpansion = %v, want %s", err, want)
	}
}

// TestParseKeepsModestAliases: sharing a value is what anchors are for; a
// file that repeats one a few times must decode as before.
func TestParseKeepsModestAliases(t *testing.T) {
	src := "shared: &body {recipient: {type: phone, address: \"+15550199\"}}\n" +
		"items: [*body, *body, *body]\n" +
		"more: &list [" + strings.TrimSuffix(strings.Repeat("1, ", 1000), ", ") + "]\n" +
		"again: [*list, *list, *list, *list, *list]\n"
	doc, err := Parse("d.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	v, err := JSONValue("d.yaml", doc.Content[0], Float64)
	if err != nil {
		t.Fatal(err)
	}
	items := v.(map[string]any)["items"].([]any)
	if len(items) != 3 || items[2].(map[string]any)["recipient"] == nil {
		t.Errorf("items = %v, want the shared body three times", items)
	}
}

func TestReadFileIsBounded(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.yaml")
	if err := os.WriteFile(big, []byte("x: "+strings.Repeat("y", MaxFileBytes)), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := ReadFile(big)
	var list ErrorList
	if !errors.As(err, &list) || !strings.HasPrefix(list[0].Error(), big+": larger than 1 MiB") {
		t.Errorf("ReadFile(big) = %v, want an error naming the file and the bound", err)
	}
	_, err = ReadFile(filepath.Join(dir, "missing.yaml"))
	if !errors.As(err, &list) || !errors.Is(err, os.ErrNotExist) && !strings.Contains(list[0].Error(), "missing.yaml") {
		t.Errorf("ReadFile(missing) = %v, want an error naming the file", err)
	}
}

// BenchmarkParseAliasBomb: refusing the 432-byte bomb costs
// microseconds, not the gigabytes expanding it would.
func BenchmarkParseAliasBomb(b *testing.B) {
	src := []byte(aliasBomb("body", ""))
	for b.Loop() {
		if _, err := Parse("d.yaml", src); err == nil {
			b.Fatal("the bomb parsed")
		}
	}
}

// FuzzParse checks the bound itself: whatever Parse accepts expands, with
// every alias followed the way a walker follows it, to at most MaxValues
// values nested at most MaxDepth deep (counted here the slow, obvious way,
// stopping as soon as a bound is passed).
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		aliasBomb("body", ""),
		"body: &a [x, *a]\n",
		"a: &a\n  b: [1, {c: *a}]\n",
		"x: &x {a: 1}\ny: [*x, *x, {z: *x}]\n",
		"- &a [1, 2]\n- &b [*a, *a]\n- [*b, *b, *a]\n",
		"<<: &m {a: 1}\nb: {<<: *m}\n",
		"&k key: *k\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := Parse("fuzz.yaml", data)
		if err != nil {
			var list ErrorList
			if !errors.As(err, &list) || !strings.HasPrefix(list[0].Error(), "fuzz.yaml") {
				t.Fatalf("Parse error %v does not name the file", err)
			}
			return
		}
		c := &naiveCount{}
		c.walk(doc, 0)
		if c.values > MaxValues || c.depth > MaxDepth {
			t.Fatalf("Parse accepted a document expanding to %d+ values or %d+ levels", c.values, c.depth)
		}
	})
}

type naiveCount struct{ values, depth int }

func (c *naiveCount) walk(n *yaml.Node, depth int) {
	if c.values > MaxValues || c.depth > MaxDepth {
		return
	}
	if n.Kind == yaml.AliasNode {
		c.walk(n.Alias, depth)
		return
	}
	c.values++
	c.depth = max(c.depth, depth)
	for _, k := range n.Content {
		c.walk(k, depth+1)
	}
}
