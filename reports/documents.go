package reports

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/casebook-dev/casebook/internal/results"
	"github.com/casebook-dev/casebook/internal/suggest"
)

// Document is a file `casebook docs` generates from the results of the
// project's cases replayed against the built-in mock. A new generated
// document is a Renderer and an entry in Documents; the command only
// writes (or checks) what Generate returns.
type Document struct {
	// Name picks the document on the command line (casebook docs --doc NAME).
	Name string
	// Path is where the file lives, relative to the project's folder.
	Path string
	// Input, when set, is the file the document is made from, relative to
	// the project's folder; a project without it has no such document.
	Input  string
	Render Renderer
}

// Documents are what `casebook docs` writes, in order.
var Documents = []Document{
	{Name: "pitfalls", Path: "docs/pitfalls.md", Render: Markdown},
	{Name: "claims", Path: "docs/claims.md", Input: claimsFile, Render: ClaimsLedger},
}

// ErrNoInput says a document's input file is missing from the project.
var ErrNoInput = errors.New("the project has no input for this document")

// Generate renders the document from rs, with paths relative to dir (the
// project's folder) so it reads the same on every machine. A document
// whose input is missing returns an error wrapping ErrNoInput.
func (d Document) Generate(dir string, rs []*results.Result, version string) ([]byte, error) {
	if d.Input != "" {
		if _, err := os.Stat(filepath.Join(dir, d.Input)); errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s: %w (no %s)", d.Path, ErrNoInput, d.Input)
		}
	}
	var buf bytes.Buffer
	if err := d.Render(&buf, RelativeTo(dir, rs), Options{Version: version, Dir: dir}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// DocumentNames lists the documents' names, for flags and errors.
func DocumentNames() []string {
	names := make([]string, len(Documents))
	for i, d := range Documents {
		names[i] = d.Name
	}
	return names
}

// PickDocuments is every document, or the one named ("" for all).
func PickDocuments(name string) ([]Document, error) {
	if name == "" {
		return Documents, nil
	}
	for _, d := range Documents {
		if d.Name == name {
			return []Document{d}, nil
		}
	}
	names := DocumentNames()
	return nil, fmt.Errorf("no document %q (want one of %s)%s", name, strings.Join(names, ", "), suggest.Hint(name, names))
}
