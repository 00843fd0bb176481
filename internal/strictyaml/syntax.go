package strictyaml

import (
	"errors"

	yaml4 "go.yaml.in/yaml/v4"
)

// SyntaxErrorIn places a YAML parser error exactly. go.yaml.in/yaml/v3
// reports only a line, and for parser errors the line where the enclosing
// block starts (one early, or none at all on the first line); v4, which
// kin-openapi already links, reports the line and column of the problem.
// The text is parsed again with v4 to a node (aliases are not expanded,
// so this costs no more than the first parse) on the error path only.
func SyntaxErrorIn(file string, data []byte, err error) *Error {
	var n yaml4.Node
	err4 := yaml4.Unmarshal(data, &n)
	var le *yaml4.LoadError
	if !errors.As(err4, &le) || le.Mark.Line == 0 {
		return SyntaxError(file, err)
	}
	col := max(le.Mark.Column, 1)
	return &Error{Pos: Pos{File: file, Line: le.Mark.Line, Column: col}, Msg: "invalid YAML: " + le.Message}
}
