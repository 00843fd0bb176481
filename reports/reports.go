package reports

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/casebook-dev/casebook/internal/diff"
	"github.com/casebook-dev/casebook/internal/finding"
	"github.com/casebook-dev/casebook/internal/results"
)

// Options tune rendering.
type Options struct {
	// Color uses ANSI colours (text only). Callers set it only for a
	// terminal and never when NO_COLOR is set.
	Color bool
	// Verbose shows passing cases in full too.
	Verbose bool
	// Version is casebook's version, recorded in machine-readable reports
	// (unknownVersion when empty).
	Version string
	// Dir is the project's folder, for documents that read an input file
	// (the claims ledger reads docs/claims.yaml) and name paths relative to it.
	Dir string
	// Coverage, when set (casebook run --coverage), is rendered too: a
	// table in text, the coverage member in JSON, a section in HTML.
	Coverage *results.Coverage
}

// unknownVersion is recorded when the caller did not say which casebook
// wrote the report.
const unknownVersion = "unknown"

// Renderer writes results in one format.
type Renderer func(w io.Writer, rs []*results.Result, opts Options) error

var renderers = map[string]Renderer{
	"text": Text,
}

// Register adds a format. Formats register themselves in init.
func Register(name string, r Renderer) { renderers[name] = r }

// Lookup returns the renderer for a format name.
func Lookup(name string) (Renderer, error) {
	if r, ok := renderers[name]; ok {
		return r, nil
	}
	return nil, fmt.Errorf("unknown report format %q (want one of %s)", name, strings.Join(Formats(), ", "))
}

// Formats lists the format names, sorted.
func Formats() []string {
	return slices.Sorted(maps.Keys(renderers))
}

// showValue renders a wanted or actual value: JSON for bodies, statuses and
// headers; a lint or conformance finding as the line lint prints.
func showValue(part diff.Part, v any) string {
	if s, ok := v.(string); ok && (part == diff.Lint || part == diff.Conformance) {
		return s
	}
	return diff.Show(v)
}

// contractWarnings counts the conformance findings that did not fail the
// case: a passing case still says its answer broke the contract.
func contractWarnings(r *results.Result) int {
	fs := r.Conformance
	for _, st := range r.Steps {
		fs = append(fs[:len(fs):len(fs)], st.Conformance...)
	}
	n := 0
	for _, f := range fs {
		if f.Severity == finding.Warning {
			n++
		}
	}
	return n
}
