package mockserver

import "github.com/casebook-dev/casebook/internal/strictyaml"

// Overlays decode through internal/strictyaml, like case files and
// casebook.yaml: an unknown key is an error with "did you mean", a value of
// the wrong kind is an error, and every error names file:line:col.

// Pos is a place in an overlay file.
type Pos = strictyaml.Pos

// OverlayError is one problem in an overlay file; its text starts "file:line:col:".
type OverlayError = strictyaml.Error

// OverlayErrors is every problem found in one overlay file.
type OverlayErrors = strictyaml.ErrorList

// Duration is a time.Duration written as "1h" or "90s" in YAML.
type Duration = strictyaml.Duration
