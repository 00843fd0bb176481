package casefile

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Error is a problem in a case file, placed at the YAML node that caused it.
// Its text starts "path:line:col:" so editors and terminals can jump there.
type Error struct {
	Pos Pos
	// Case is the case's name when it is known.
	Case string
	// Field is the dotted place in the case ("request.body", "expect.lint[1].rule").
	Field string
	Msg   string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Pos.String())
	b.WriteString(": ")
	if e.Case != "" {
		fmt.Fprintf(&b, "case %q: ", e.Case)
	}
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// ErrorList is every problem found in one or more case files.
type ErrorList []*Error

func (l ErrorList) Error() string {
	msgs := make([]string, len(l))
	for i, e := range l {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "\n")
}

// Unwrap lets errors.As find each *Error.
func (l ErrorList) Unwrap() []error {
	out := make([]error, len(l))
	for i, e := range l {
		out[i] = e
	}
	return out
}

func nodePos(file string, n *yaml.Node) Pos {
	return Pos{File: file, Line: n.Line, Column: n.Column}
}

func posErr(file string, n *yaml.Node, msg string) *Error {
	return &Error{Pos: nodePos(file, n), Msg: msg}
}
