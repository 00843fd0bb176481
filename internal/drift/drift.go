// Package drift compares two targets' answers to one case (casebook drift):
// run against the mock and the live API, it shows where the spec or the
// mock's rules are wrong: the live API is the fact, the mock the claim.
// The runner sends; this package only compares what came back.
package drift

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/casebook-dev/casebook/internal/casefile"
	"github.com/casebook-dev/casebook/internal/finding"
	"github.com/casebook-dev/casebook/internal/jsonptr"
	"github.com/casebook-dev/casebook/internal/results"
)

// Compare is how two targets' answers to case c differ: status, error
// code, and the set of top-level body members with their types. Values are
// not compared: ids, times and correlation ids always differ. Each
// disagreement says which side's answer breaks the spec's declared
// responses there, if one does (see results.DriftDifference).
//
// A multi-step case is compared step by step, every step both sides
// sent; a step only one side answered (the other stopped before it) is a
// status difference of that step.
func Compare(c *casefile.Case, a, b *results.Result) results.DriftResult {
	d := results.DriftResult{Case: c, A: a, B: b}
	if len(a.Steps) == 0 && len(b.Steps) == 0 {
		if a.Response != nil && b.Response != nil {
			d.Compared = true
			d.Differences = answers(a.Response, b.Response, a.Conformance, b.Conformance)
		}
		return d
	}
	for i := range max(len(a.Steps), len(b.Steps)) {
		sa, sb := stepAt(a.Steps, i), stepAt(b.Steps, i)
		if sa.Response == nil && sb.Response == nil {
			continue
		}
		name := cmp.Or(sa.Name, sb.Name)
		if sa.Response == nil || sb.Response == nil {
			d.Differences = append(d.Differences, results.DriftDifference{Step: name, Aspect: results.DriftStatus,
				A: statusOf(sa.Response), B: statusOf(sb.Response)})
			continue
		}
		d.Compared = true
		for _, dd := range answers(sa.Response, sb.Response, sa.Conformance, sb.Conformance) {
			dd.Step = name
			d.Differences = append(d.Differences, dd)
		}
	}
	d.Compared = d.Compared || len(d.Differences) > 0
	return d
}

// answers compares two answers to one request, each with its conformance findings.
func answers(a, b *results.Response, ca, cb []finding.Finding) []results.DriftDifference {
	var out []results.DriftDifference
	if a.Status != b.Status {
		out = append(out, results.DriftDifference{Aspect: results.DriftStatus, A: strconv.Itoa(a.Status), B: strconv.Itoa(b.Status)})
	}
	ba, bb := decodeBody(a.Body), decodeBody(b.Body)
	if codeA, codeB := errorCode(ba), errorCode(bb); codeA != codeB {
		out = append(out, results.DriftDifference{Aspect: results.DriftCode, A: codeA, B: codeB})
	}
	out = append(out, shapeDifferences(ba, bb)...)
	for i := range out {
		out[i].ABreaks, out[i].BBreaks = breaking(ca, out[i]), breaking(cb, out[i])
	}
	return out
}

// stepAt is step i, or an empty step where that side has none.
func stepAt(steps []*results.Step, i int) *results.Step {
	if i < len(steps) && steps[i] != nil {
		return steps[i]
	}
	return &results.Step{}
}

// statusOf is an answer's status, or NoAnswer.
func statusOf(r *results.Response) string {
	if r == nil {
		return results.NoAnswer
	}
	return strconv.Itoa(r.Status)
}

// breaking picks the conformance findings of one side that bear on a
// disagreement: that side's answer breaks the contract right there.
func breaking(fs []finding.Finding, d results.DriftDifference) []finding.Finding {
	var out []finding.Finding
	for _, f := range fs {
		if bears(f, d) {
			out = append(out, f)
		}
	}
	return out
}

func bears(f finding.Finding, d results.DriftDifference) bool {
	switch d.Aspect {
	case results.DriftStatus:
		return f.Location == finding.InStatus
	case results.DriftCode:
		return f.Location == finding.InBody && f.Pointer == "/code"
	case results.DriftShape:
		if d.Pointer == "" {
			// The body as a whole: its content type, its syntax, its type.
			return f.Rule == finding.RuleContentType || (f.Location == finding.InBody && f.Pointer == "")
		}
		return f.Location == finding.InBody && (f.Pointer == d.Pointer || strings.HasPrefix(f.Pointer, d.Pointer+"/"))
	}
	return false
}

// decodeBody is the JSON body, or a bodyKind when it is empty or not JSON.
func decodeBody(body []byte) any {
	if len(bytes.TrimSpace(body)) == 0 {
		return bodyKind("empty")
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if dec.Decode(&v) != nil {
		return bodyKind("not JSON")
	}
	return v
}

// bodyKind stands for a body that has no JSON value.
type bodyKind string

func errorCode(v any) string {
	m, ok := v.(map[string]any)
	if !ok {
		return results.Absent
	}
	if s, ok := m["code"].(string); ok {
		return s
	}
	return results.Absent
}

// shapeDifferences compares the top-level members and their types; for a
// body that is not an object, its type.
func shapeDifferences(a, b any) []results.DriftDifference {
	ma, okA := a.(map[string]any)
	mb, okB := b.(map[string]any)
	if !okA || !okB {
		if ta, tb := jsonType(a), jsonType(b); ta != tb {
			return []results.DriftDifference{{Aspect: results.DriftShape, Pointer: "", A: ta, B: tb}}
		}
		return nil
	}
	names := slices.Compact(slices.Sorted(func(yield func(string) bool) {
		for k := range ma {
			yield(k)
		}
		for k := range mb {
			yield(k)
		}
	}))
	var out []results.DriftDifference
	for _, k := range names {
		ta, tb := memberType(ma, k), memberType(mb, k)
		if ta != tb {
			out = append(out, results.DriftDifference{Aspect: results.DriftShape, Pointer: jsonptr.Join(k), A: ta, B: tb})
		}
	}
	return out
}

func memberType(m map[string]any, k string) string {
	v, ok := m[k]
	if !ok {
		return results.Absent
	}
	return jsonType(v)
}

func jsonType(v any) string {
	switch t := v.(type) {
	case nil:
		return "null"
	case bodyKind:
		return string(t)
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case string:
		return "string"
	case json.Number:
		return "number"
	case bool:
		return "boolean"
	}
	return fmt.Sprintf("%T", v)
}
