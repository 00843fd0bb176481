package reports

import (
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/casebook-dev/casebook/internal/results"
)

// The coverage of a run (casebook run --coverage) is rendered by text (a
// table per spec before the summary line), JSON (the coverage member) and
// HTML (a section before the cases), from Options.Coverage.

// coverage writes one table per spec: each operation, its answers, the
// declared statuses answered and the auth outcomes, then the counts.
func (t *textWriter) coverage(cv *results.Coverage) {
	for i := range cv.Specs {
		sc := &cv.Specs[i]
		t.printf("coverage of %s:\n", sc.Path)
		tw := tabwriter.NewWriter(t.w, 0, 0, 2, ' ', 0)
		fmt.Fprintf(tw, "  operation\tanswers\tdeclared statuses answered\tauth (401 403 success)\n")
		for j := range sc.Operations {
			oc := &sc.Operations[j]
			fmt.Fprintf(tw, "  %s\t%d\t%s\t%s\n", oc.Operation, oc.Answers, statusCell(oc), authCell(oc))
		}
		tw.Flush()
		t.printf("  %s\n", countsLine(sc.Counts()))
	}
	c := cv.Counts()
	t.printf("coverage %s: %s\n", countText(c.Total()), countsLine(c))
}

// statusCell is "200 401 (2 of 10)", with the statuses answered that the
// operation does not declare after it.
func statusCell(oc *results.OperationCoverage) string {
	var hit []string
	for _, s := range oc.Statuses {
		if s.Hit {
			hit = append(hit, s.Name)
		}
	}
	c := oc.Counts().Statuses
	cell := fmt.Sprintf("(%d of %d)", c.Covered, c.Total)
	if len(hit) > 0 {
		cell = strings.Join(hit, " ") + " " + cell
	}
	if len(oc.Undeclared) > 0 {
		var un []string
		for _, st := range oc.Undeclared {
			un = append(un, strconv.Itoa(st))
		}
		cell += "; undeclared " + strings.Join(un, " ")
	}
	return cell
}

// authCell is "401 - success": each outcome answered, "-" for one not;
// "n/a" for an operation whose access depends on no scope or permission.
func authCell(oc *results.OperationCoverage) string {
	if oc.Auth == nil {
		return "n/a"
	}
	var cells []string
	for _, a := range oc.Auth {
		if a.Hit {
			cells = append(cells, a.Name)
		} else {
			cells = append(cells, "-")
		}
	}
	return strings.Join(cells, " ")
}

func countsLine(c results.Counts) string {
	return fmt.Sprintf("operations %s, declared statuses %s, auth outcomes %s",
		countText(c.Operations), countText(c.Statuses), countText(c.Auth))
}

// countText is "11/123 (8.9%)".
func countText(c results.Count) string {
	return fmt.Sprintf("%d/%d (%.1f%%)", c.Covered, c.Total, c.Percent())
}

// JSONCoverage is the coverage member of the JSON report.
type JSONCoverage struct {
	// Percent is every kind counted together: what --min-coverage compares.
	Percent    float64            `json:"percent"`
	Operations JSONCount          `json:"operations"`
	Statuses   JSONCount          `json:"statuses"`
	Auth       JSONCount          `json:"auth"`
	Specs      []JSONSpecCoverage `json:"specs"`
}

// JSONCount is how many of how many.
type JSONCount struct {
	Covered int     `json:"covered"`
	Total   int     `json:"total"`
	Percent float64 `json:"percent"`
}

// JSONSpecCoverage is one spec's coverage.
type JSONSpecCoverage struct {
	Spec       string                  `json:"spec"`
	Operations []JSONOperationCoverage `json:"operations"`
}

// JSONOperationCoverage is one operation's coverage.
type JSONOperationCoverage struct {
	Operation  string            `json:"operation"`
	Answers    int               `json:"answers"`
	Statuses   []results.Outcome `json:"statuses"`
	Undeclared []int             `json:"undeclared,omitempty"`
	Auth       []results.Outcome `json:"auth,omitempty"`
}

func jsonCoverage(cv *results.Coverage) *JSONCoverage {
	if cv == nil {
		return nil
	}
	c := cv.Counts()
	out := &JSONCoverage{Percent: round1(c.Total().Percent()), Operations: jsonCount(c.Operations),
		Statuses: jsonCount(c.Statuses), Auth: jsonCount(c.Auth), Specs: []JSONSpecCoverage{}}
	for _, sc := range cv.Specs {
		js := JSONSpecCoverage{Spec: sc.Path, Operations: []JSONOperationCoverage{}}
		for _, oc := range sc.Operations {
			js.Operations = append(js.Operations, JSONOperationCoverage{Operation: oc.Operation, Answers: oc.Answers,
				Statuses: nonNil(oc.Statuses), Undeclared: oc.Undeclared, Auth: oc.Auth})
		}
		out.Specs = append(out.Specs, js)
	}
	return out
}

func jsonCount(c results.Count) JSONCount {
	return JSONCount{Covered: c.Covered, Total: c.Total, Percent: round1(c.Percent())}
}

// round1 keeps one decimal: a report reads 8.9, not 8.943089430894309.
func round1(f float64) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(f, 'f', 1, 64), 64)
	return v
}
