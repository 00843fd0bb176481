package strictyaml

import (
	"errors"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

type upper string

func (u *upper) DecodeNode(file string, n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return errors.New("want a word")
	}
	*u = upper(strings.ToUpper(n.Value))
	return nil
}

type item struct {
	Name string `yaml:"name"`
	Pos  Pos    `yaml:"-"`
}

type doc struct {
	Count  int64            `yaml:"count"`
	Ratio  float64          `yaml:"ratio"`
	On     bool             `yaml:"on"`
	Ptr    *item            `yaml:"ptr"`
	Free   any              `yaml:"free"`
	Word   upper            `yaml:"word"`
	Items  []item           `yaml:"items"`
	ByName map[string]item  `yaml:"byName"`
	Tags   []string         `yaml:"tags"`
	Nested map[string][]int `yaml:"nested"`
}

func decode(t *testing.T, src string) (*doc, map[string]Pos, ErrorList) {
	t.Helper()
	root, err := Parse("d.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var d doc
	pos, errs := Decode("d.yaml", root.Content[0], &d)
	return &d, pos, errs
}

func TestDecodeKinds(t *testing.T) {
	d, pos, errs := decode(t, `count: 9007199254740993
ratio: 2.5
on: true
ptr: {name: p}
free: {a: [1, "x", null, true]}
word: shout
items:
  - name: first
  - name: second
tags: one
`)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if d.Count != 9007199254740993 || d.Ratio != 2.5 || !d.On || d.Ptr == nil || d.Ptr.Name != "p" || d.Word != "SHOUT" {
		t.Errorf("decoded %+v", d)
	}
	free, _ := d.Free.(map[string]any)
	if a, _ := free["a"].([]any); len(a) != 4 || a[0] != 1.0 || a[2] != nil {
		t.Errorf("free = %#v, want numbers as float64 and null as nil", d.Free)
	}
	if d.Items[1].Pos.Line != 9 {
		t.Errorf("items[1].Pos = %v, want line 9", d.Items[1].Pos)
	}
	if p := pos["items[1].name"]; p.Line != 9 || p.Column != 11 {
		t.Errorf("pos[items[1].name] = %v, want 9:11", p)
	}
	if len(d.Tags) != 1 || d.Tags[0] != "one" {
		t.Errorf("a single string where a list is wanted: tags = %q", d.Tags)
	}
}

func TestDecodeErrors(t *testing.T) {
	_, _, errs := decode(t, `cuont: 1
ratio: high
word: [a]
items: {name: x}
byName: {a: {nmae: y}}
nested: {a: [1, b]}
ratio: 3
ptr: {name: p, name: q}
`)
	want := []string{
		`d.yaml:1:1: unknown key "cuont" (did you mean "count"?)`,
		`d.yaml:2:8: ratio: want a number, got string "high"`,
		`d.yaml:3:7: word: want a word`,
		`d.yaml:4:8: items: want a list, got a mapping`,
		`d.yaml:5:14: byName.a: unknown key "nmae" (did you mean "name"?)`,
		`d.yaml:6:17: nested.a[1]: want an integer, got string "b"`,
		// A key written twice: yaml.v3 and the fast path keep both in the tree.
		`d.yaml:7:1: ratio: duplicate key`,
		`d.yaml:8:16: ptr.name: duplicate key`,
	}
	if len(errs) != len(want) {
		t.Fatalf("got %d errors, want %d:\n%v", len(errs), len(want), errs)
	}
	for i, w := range want {
		if errs[i].Error() != w {
			t.Errorf("error %d = %q, want %q", i, errs[i], w)
		}
	}
}

func TestDeeplyNestedAnyIsBounded(t *testing.T) {
	src := "free: " + strings.Repeat("[", 100) + strings.Repeat("]", 100) + "\n"
	_, _, errs := decode(t, src)
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "nested more than 64 levels") {
		t.Errorf("errors = %v, want one about nesting", errs)
	}
}

func TestSyntaxError(t *testing.T) {
	_, err := Parse("s.yaml", []byte("a: b\nc: [d\n"))
	var list ErrorList
	if !errors.As(err, &list) || !strings.HasPrefix(list[0].Error(), "s.yaml:") || !strings.Contains(list[0].Error(), "invalid YAML") {
		t.Errorf("Parse = %v, want an invalid-YAML error naming s.yaml", err)
	}
}

// TestSyntaxErrorPosition: a syntax error is placed where the problem is,
// not at 1:1 or at the line where the enclosing block starts.
func TestSyntaxErrorPosition(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"a: b: c\n", "s.yaml:1:5:"},
		{"name: x\nrequest:\n  method: POST\n  path: /a\n   bad: 1\n", "s.yaml:5:7:"},
		{"name: x\nrequest: {method: POST, path: /a\nexpect: 1\n", "s.yaml:3:7:"},
		{"- a\nb: c\n", "s.yaml:2:1:"},
		{"name: x\n\tpath: /y\n", "s.yaml:2:1:"},
	} {
		_, err := Parse("s.yaml", []byte(tc.src))
		var list ErrorList
		if !errors.As(err, &list) || !strings.HasPrefix(list[0].Error(), tc.want) {
			t.Errorf("Parse(%q) = %v, want it placed at %s", tc.src, err, tc.want)
		}
	}
}
