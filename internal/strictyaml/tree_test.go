package strictyaml

import (
	"testing"

	"go.yaml.in/yaml/v3"
)

// A node kept past WithTree's call is reused by the next parse (poisoned
// first under the race detector): what the decoders must never keep, and
// what casefile's TestDecodeKeepsNoNode would see. The tree itself is
// Parse's.
func TestWithTreeKeepsNoNode(t *testing.T) {
	var kept *yaml.Node
	text := []byte("name: first\nrequest: {method: GET, path: /}\n")
	err := WithTree("a.yaml", text, func(doc *yaml.Node) {
		want, err := Parse("a.yaml", text)
		if err != nil {
			t.Fatal(err)
		}
		if d := nodeDiff(want, doc, "doc"); d != "" {
			t.Errorf("WithTree's tree differs from Parse's: %s", d)
		}
		kept = doc.Content[0].Content[1]
	})
	if err != nil {
		t.Fatal(err)
	}
	for range 100 { // sync.Pool may hand another slab: parse until ours comes back
		if kept.Value != "first" {
			return
		}
		if err := WithTree("b.yaml", []byte("other: second\nmore: [1, 2]\n"), func(*yaml.Node) {}); err != nil {
			t.Fatal(err)
		}
	}
	t.Errorf("a node kept past WithTree still reads %q: its slab was not reused, so a kept node would go unnoticed", kept.Value)
}

// WithTree refuses what Parse refuses, with the same error, and calls use
// only with a tree.
func TestWithTreeErrors(t *testing.T) {
	for _, text := range []string{"a: [\n", "a: *x\n", string(make([]byte, MaxFileBytes+1))} {
		_, want := Parse("bad.yaml", []byte(text))
		called := false
		got := WithTree("bad.yaml", []byte(text), func(*yaml.Node) { called = true })
		if want == nil || got == nil || got.Error() != want.Error() || called {
			t.Errorf("WithTree(%.20q) = %v (use called: %v), want %v", text, got, called, want)
		}
	}
}
