package casefile

import (
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/casebook-dev/casebook/internal/strictyaml"
)

// ReadFile reads and decodes a case file: one case (a mapping) or a list of
// cases (a sequence), as Decode does. The file's text and YAML tree live
// only while the cases are decoded (strictyaml.WithFileTree): their
// memory serves the next file read.
func ReadFile(path string) ([]*Case, error) {
	d := &decoded{file: path}
	return d.result(strictyaml.WithFileTree(path, d.doc))
}

// Decode decodes case YAML strictly: an unknown key (with "did you mean"), a
// value of the wrong type, a missing request or broken YAML is an *Error
// naming file:line:col. Every problem in the file is reported, not only the
// first. Decode never panics, whatever the input.
//
// The YAML tree lives only while the cases are decoded from it
// (strictyaml.WithTree): a Case keeps values and positions, never a node.
func Decode(file string, data []byte) ([]*Case, error) {
	d := &decoded{file: file}
	return d.result(strictyaml.WithTree(file, data, d.doc))
}

// decoded is what a file decoded inside WithTree or WithFileTree gave.
type decoded struct {
	file  string
	cases []*Case
	errs  ErrorList
}

func (d *decoded) doc(doc *yaml.Node) { d.cases, d.errs = decodeDoc(d.file, doc) }

// result is the cases, or the error parsing or decoding them.
func (d *decoded) result(err error) ([]*Case, error) {
	if err != nil {
		return nil, err
	}
	if len(d.errs) > 0 {
		return nil, d.errs
	}
	return d.cases, nil
}

// decodeDoc decodes the cases of a parsed case file, or its errors.
func decodeDoc(file string, doc *yaml.Node) ([]*Case, ErrorList) {
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, ErrorList{{Pos: Pos{File: file, Line: 1, Column: 1}, Msg: "empty case file: want a case (a mapping) or a list of cases"}}
	}
	root := doc.Content[0]
	var nodes []*yaml.Node
	switch root.Kind {
	case yaml.MappingNode:
		nodes = []*yaml.Node{root}
	case yaml.SequenceNode:
		if len(root.Content) == 0 {
			return nil, ErrorList{posErr(file, root, "empty list of cases")}
		}
		nodes = root.Content
	default:
		return nil, ErrorList{posErr(file, root, "want a case (a mapping) or a list of cases, got "+strictyaml.KindName(root))}
	}
	var (
		cases []*Case
		errs  ErrorList
	)
	for _, n := range nodes {
		c, cerrs := decodeCase(file, n)
		errs = append(errs, cerrs...)
		if c != nil {
			cases = append(cases, c)
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return cases, nil
}

func decodeCase(file string, n *yaml.Node) (*Case, ErrorList) {
	if n.Kind != yaml.MappingNode {
		return nil, ErrorList{posErr(file, n, "want a case (a mapping), got "+strictyaml.KindName(n))}
	}
	c := &Case{Pos: strictyaml.NodePos(file, n)}
	pos, errs := strictyaml.DecodeFields(file, n, c)
	c.fieldPos = fieldPositions{list: pos}
	if c.Name == "" {
		c.Name = defaultName(file)
	}
	for _, e := range errs {
		e.Case = c.Name
	}
	if len(errs) == 0 {
		// The rules beyond types read decoded values: only check a case that decoded.
		errs = check(c)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return c, nil
}

func defaultName(file string) string {
	base := file[strings.LastIndexAny(file, `/\`)+1:]
	return strings.TrimSuffix(strings.TrimSuffix(base, ".yaml"), ".yml")
}
