// Package docs carries into the binary the documents casebook writes for
// its users: the JSON Schema of the case format, which casebook init puts
// beside a new project so that editors complete and check case files.
package docs

import _ "embed"

// CaseSchema is case.schema.json.
//
//go:embed case.schema.json
var CaseSchema []byte
