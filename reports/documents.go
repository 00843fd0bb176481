package reports

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/casebook-dev/casebook/internal/atomicfile"
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

// DocumentTarget says where WriteDocuments puts what it generates.
type DocumentTarget struct {
	// Dir is the project's folder: documents go to their Path below it.
	Dir string
	// Out, when set, is the one document's file instead ("-": Stdout).
	Out    string
	Stdout io.Writer
	// Check writes nothing: WriteDocuments only says which files differ.
	Check bool
	// Named is true when the document was asked for by name: then a
	// missing input is an error, not a document the project lacks.
	Named bool
}

// WriteDocuments generates each of docs from rs and writes it whole (or,
// with Check, compares it with the file). It returns the files that are
// out of date (Check) and every document's error, joined; one document
// failing does not stop the others.
func WriteDocuments(docs []Document, rs []*results.Result, version string, t DocumentTarget) (stale []string, err error) {
	var errs []error
	for _, d := range docs {
		doc, gerr := d.Generate(t.Dir, rs, version)
		path := cmp.Or(t.Out, filepath.Join(t.Dir, d.Path))
		switch {
		case errors.Is(gerr, ErrNoInput) && !t.Named:
			continue // a project without docs/claims.yaml has no claims ledger
		case gerr != nil:
		case path == "-":
			_, gerr = t.Stdout.Write(doc)
		case t.Check:
			if old, rerr := os.ReadFile(path); rerr != nil || !bytes.Equal(old, doc) {
				stale = append(stale, path)
			}
		default:
			gerr = atomicfile.Write(path, doc)
		}
		errs = append(errs, gerr)
	}
	return stale, errors.Join(errs...)
}
