package casefile

import (
	"go.yaml.in/yaml/v3"

	"github.com/casebook-dev/casebook/internal/strictyaml"
)

// Error is a problem in a case file; its text starts "path:line:col:".
type Error = strictyaml.Error

// ErrorList is every problem found in one or more case files.
type ErrorList = strictyaml.ErrorList

// Pos is a place in a case file.
type Pos = strictyaml.Pos

func posErr(file string, n *yaml.Node, msg string) *Error {
	return &Error{Pos: strictyaml.NodePos(file, n), Msg: msg}
}
