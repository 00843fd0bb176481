package strictyaml

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Pos is a place in a YAML file.
type Pos struct {
	File   string
	Line   int
	Column int
}

func (p Pos) String() string {
	if p.Line == 0 {
		return p.File
	}
	return p.File + ":" + strconv.Itoa(p.Line) + ":" + strconv.Itoa(p.Column)
}

// NodePos is where a node starts.
func NodePos(file string, n *yaml.Node) Pos {
	return Pos{File: file, Line: n.Line, Column: n.Column}
}

func nodePos(file string, n *yaml.Node) Pos { return NodePos(file, n) }

// Error is a problem in a YAML file, placed at the node that caused it.
// Its text starts "path:line:col:" so editors and terminals can jump there.
type Error struct {
	Pos Pos
	// Case is the name of the case (or other named item) when it is known.
	Case string
	// Field is the dotted place in the document ("request.body", "expect.lint[1].rule").
	Field string
	Msg   string
}

// Errorf builds an *Error at a node.
func Errorf(file string, n *yaml.Node, format string, args ...any) *Error {
	return &Error{Pos: NodePos(file, n), Msg: fmt.Sprintf(format, args...)}
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

// ErrorList is every problem found in one or more files.
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

// Problems finds the file problems in err: its ErrorList, or its one
// *Error as a list; ok is false when err holds neither.
func Problems(err error) (l ErrorList, ok bool) {
	var e *Error
	switch {
	case errors.As(err, &l):
		return l, true
	case errors.As(err, &e):
		return ErrorList{e}, true
	}
	return nil, false
}

// Summary counts the problems and says where: "2 problem(s) in
// casebook.yaml", or "5 problem(s) in 3 files".
func (l ErrorList) Summary() string {
	files := map[string]bool{}
	for _, e := range l {
		files[e.Pos.File] = true
	}
	if len(files) == 1 && len(l) > 0 {
		return fmt.Sprintf("%d problem(s) in %s", len(l), l[0].Pos.File)
	}
	return fmt.Sprintf("%d problem(s) in %d files", len(l), len(files))
}
