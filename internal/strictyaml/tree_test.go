package strictyaml

import (
	"testing"

	"go.yaml.in/yaml/v3"
)

// A node kept past WithTree's call is cleared (poisoned under the race
// detector) and reused by the next parse: what the decoders must never
// keep, and what casefile's TestDecodeKeepsNoNode would see. The tree
// itself is Parse's.
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
	if kept.Value == "first" || kept.Line == 1 {
		t.Errorf("a node kept past WithTree still reads %q at line %d: its slab was not released, so a kept node would go unnoticed", kept.Value, kept.Line)
	}
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
