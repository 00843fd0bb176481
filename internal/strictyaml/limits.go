package strictyaml

import (
	"errors"
	"fmt"

	"go.yaml.in/yaml/v3"

	"github.com/casebook-dev/casebook/internal/inputfile"
)

// The bounds on a YAML file casebook reads. A file is parsed into a node
// tree in which an alias is a pointer to the anchored node, so parsing is
// linear in the file's size; it is every walk over the tree afterwards
// (decoding a case's body, the strict decoder, an overlay's fixtures) that
// repeats an alias's value at each use. Nine anchors of nine aliases, 432
// bytes, repeat a scalar 9^9 times: such a file would need gigabytes. Parse
// therefore measures the tree as its walkers will see it and refuses a
// document past these bounds, as the YAML library itself refuses
// "excessive aliasing" when it decodes into Go values (which casebook's
// strict decoder does not use).
const (
	// MaxFileBytes is the largest YAML file read: hand-written cases,
	// overlays and configs are kilobytes, and the parser needs about a
	// hundred times a file's size at worst (a flow list of one-digit numbers).
	MaxFileBytes = 1 << 20
	// MaxValues is how many values (mappings, lists and scalars, each alias
	// counted as the values it repeats) a document may expand to.
	MaxValues = 250_000
	// MaxDepth is how deeply a document's values may nest, aliases
	// followed. The YAML parser allows 10,000 levels as written.
	MaxDepth = 1_000
)

// ReadFile reads a YAML file of at most MaxFileBytes. Every problem is an
// ErrorList naming the file, ready for the caller to return.
func ReadFile(path string) ([]byte, error) { return readFile(nil, path) }

// readFile is ReadFile into buf's memory (inputfile.ReadInto).
func readFile(buf []byte, path string) ([]byte, error) {
	data, err := inputfile.ReadInto(buf, path, MaxFileBytes)
	if err != nil {
		var tl *inputfile.TooLargeError
		if errors.As(err, &tl) {
			return nil, ErrorList{tooLarge(path)}
		}
		return nil, ErrorList{{Pos: Pos{File: path}, Msg: err.Error()}}
	}
	return data, nil
}

func tooLarge(file string) *Error {
	return &Error{Pos: Pos{File: file}, Msg: fmt.Sprintf("larger than %s, the most casebook reads from a YAML file", inputfile.Size(MaxFileBytes))}
}

// checkExpansion walks doc as written, counting each alias as the values it
// repeats, and reports the first node that takes the document past
// MaxValues or MaxDepth, or an alias that refers to a value containing
// itself (the parser accepts "&a [*a]"; a walker would never return).
// Each anchored value is measured once, so the check is linear in the
// number of nodes written, whatever the aliases would expand to.
func checkExpansion(file string, doc *yaml.Node) *Error {
	e := &expansion{file: file, anchored: map[*yaml.Node]shape{}, open: map[*yaml.Node]bool{}}
	e.walk(doc, 0)
	return e.err
}

// shape is how many values a node expands to and how deep they nest, both
// saturating just past the bounds.
type shape struct{ values, depth int }

type expansion struct {
	file     string
	total    int
	anchored map[*yaml.Node]shape // the shape of each anchored node measured so far
	open     map[*yaml.Node]bool  // anchored nodes being measured
	err      *Error
}

// walk visits the nodes as written, keeping a running total in document
// order so that the error names the alias (or value) that crossed a bound.
func (e *expansion) walk(n *yaml.Node, depth int) {
	if e.err != nil {
		return
	}
	if n.Kind == yaml.AliasNode {
		s := e.measure(n, depth)
		if e.err != nil {
			return
		}
		e.total = min(e.total+s.values, MaxValues+1)
		switch {
		case e.total > MaxValues:
			e.fail(n, "excessive aliasing: *%s takes the document past %d values (an alias counts every value it repeats)", n.Value, MaxValues)
		case depth+s.depth > MaxDepth:
			e.fail(n, "*%s nests values more than %d levels deep", n.Value, MaxDepth)
		}
		return
	}
	e.total++
	switch {
	case e.total > MaxValues:
		e.fail(n, "the document holds more than %d values", MaxValues)
		return
	case depth > MaxDepth:
		e.fail(n, "values nested more than %d levels deep", MaxDepth)
		return
	}
	for _, c := range n.Content {
		e.walk(c, depth+1)
	}
}

// measure returns the shape of n with aliases followed, each anchored node
// measured once. depth is where n stands, only to stop a chain of aliases
// nesting past MaxDepth before the recursion gets that deep: a shape cut
// short there is past the bound, so the caller fails anyway.
func (e *expansion) measure(n *yaml.Node, depth int) shape {
	if n.Kind == yaml.AliasNode {
		if n.Alias == nil {
			return shape{}
		}
		if e.open[n.Alias] {
			e.fail(n, "*%s refers to a value that contains it: the value would never end", n.Value)
			return shape{}
		}
		return e.measure(n.Alias, depth)
	}
	if s, ok := e.anchored[n]; ok {
		return s
	}
	if depth > MaxDepth {
		return shape{values: 1, depth: MaxDepth + 1}
	}
	if n.Anchor != "" {
		e.open[n] = true
		defer delete(e.open, n)
	}
	s := shape{values: 1}
	for _, c := range n.Content {
		cs := e.measure(c, depth+1)
		if e.err != nil {
			return shape{}
		}
		s.values = min(s.values+cs.values, MaxValues+1)
		s.depth = max(s.depth, cs.depth+1)
	}
	if n.Anchor != "" {
		e.anchored[n] = s
	}
	return s
}

func (e *expansion) fail(n *yaml.Node, format string, args ...any) {
	e.err = Errorf(e.file, n, format, args...)
}
