package reports

import (
	"fmt"
	"io"

	"github.com/casebook-dev/casebook/internal/results"
)

// DriftText writes the drift report (casebook drift, run --target a,b)
// and reports whether it should fail the run: an answer drifted, or a case errored on a side.
func DriftText(w io.Writer, a, b string, rs []results.DriftResult, verbose bool) (failed bool) {
	var drifted, same, notCompared int
	broken := false
	fmt.Fprintf(w, "drift: %s vs %s, %d case(s)\n", a, b, len(rs))
	for _, d := range rs {
		switch {
		case !d.Compared:
			notCompared++
			side, res := a, d.A
			if d.A.Response != nil {
				side, res = b, d.B
			}
			if res.Status == results.Errored {
				failed = true
			}
			fmt.Fprintf(w, "NOT COMPARED  %s: %s %s: %s\n", d.Case.Name, side, res.Status, res.Reason)
		case d.Drifted():
			drifted++
			failed = true
			fmt.Fprintf(w, "DRIFT  %s  (%s)\n", d.Case.Name, d.Case.Pos)
			for _, dd := range d.Differences {
				label := dd.Aspect
				if dd.Step != "" {
					label = "step " + dd.Step + ": " + label
				}
				if dd.Pointer != "" {
					label += " " + dd.Pointer
				}
				fmt.Fprintf(w, "    %-20s %s: %s   %s: %s%s\n", label, a, dd.A, b, dd.B, breaker(a, b, dd))
				for _, f := range dd.ABreaks {
					fmt.Fprintf(w, "        %s: %s\n", a, f)
				}
				for _, f := range dd.BBreaks {
					fmt.Fprintf(w, "        %s: %s\n", b, f)
				}
				broken = broken || len(dd.ABreaks)+len(dd.BBreaks) > 0
			}
			fmt.Fprintf(w, "    %s\n", traceLine(b, d.B))
		default:
			same++
			if verbose {
				fmt.Fprintf(w, "same   %s\n", d.Case.Name)
			}
		}
	}
	fmt.Fprintf(w, "%d drifted, %d same, %d not compared\n", drifted, same, notCompared)
	if drifted > 0 {
		fmt.Fprintf(w, "Where %s and %s disagree, the spec or the mock's overlay is wrong about the API.\n", a, b)
	}
	if broken {
		fmt.Fprintf(w, "Where a side breaks the contract, its answer is one the spec does not allow: that side is wrong, or the spec is out of date.\n")
	}
	return failed
}

// breaker says which side's answer breaks the contract at a disagreement.
func breaker(a, b string, d results.DriftDifference) string {
	switch {
	case len(d.ABreaks) > 0 && len(d.BBreaks) > 0:
		return "   (both break the contract)"
	case len(d.ABreaks) > 0:
		return "   (" + a + " breaks the contract)"
	case len(d.BBreaks) > 0:
		return "   (" + b + " breaks the contract)"
	}
	return ""
}

// traceLine is what a support ticket needs to find the live exchange.
func traceLine(name string, r *results.Result) string {
	s := fmt.Sprintf("%s: %s %s", name, r.Request.Method, r.Request.URL)
	if r.CorrelationID != "" {
		s += ", correlation id " + r.CorrelationID
	}
	if r.TraceID != "" {
		s += ", trace id " + r.TraceID
	}
	return s
}
