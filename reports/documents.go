package reports

import (
	"bytes"

	"github.com/casebook-dev/casebook/internal/results"
)

// Document is a file `casebook docs` generates from the results of the
// project's cases replayed against the built-in mock. A new generated
// document is a Renderer and an entry in Documents; the command only
// writes (or checks) what Generate returns.
type Document struct {
	// Path is where the file lives, relative to the project's folder.
	Path   string
	Render Renderer
}

// Documents are what `casebook docs` writes, in order.
var Documents = []Document{
	{Path: "docs/pitfalls.md", Render: Markdown},
}

// Generate renders the document from rs, with paths relative to dir (the
// project's folder) so it reads the same on every machine.
func (d Document) Generate(dir string, rs []*results.Result, version string) ([]byte, error) {
	var buf bytes.Buffer
	if err := d.Render(&buf, RelativeTo(dir, rs), Options{Version: version}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
