package reports

import (
	"fmt"
	"io"
	"strings"

	"github.com/casebook-dev/casebook/internal/results"
)

// SpecWarnings says, once per spec, that it breaks OpenAPI rules casebook
// can live with (published vendor specs often do), with the first few.
func SpecWarnings(w io.Writer, specs []results.SpecProblems) {
	const shown = 3
	for _, sp := range specs {
		fmt.Fprintf(w, "casebook: warning: %s breaks %d OpenAPI rule(s); casebook goes on:\n", sp.Path, len(sp.Problems))
		for _, p := range sp.Problems[:min(shown, len(sp.Problems))] {
			first, _, _ := strings.Cut(p, "\n")
			fmt.Fprintf(w, "  %s\n", first)
		}
		if len(sp.Problems) > shown {
			fmt.Fprintf(w, "  ... and %d more\n", len(sp.Problems)-shown)
		}
	}
}
