// Package drift compares two targets' answers to one case (casebook drift):
// run against the mock and the live API, it shows where the spec or the
// mock's rules are wrong: the live API is the fact, the mock the claim.
// The runner sends; this package only compares what came back.
package drift

import (
	"bytes"
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
func Compare(c *casefile.Case, a, b *results.Result) results.DriftResult {
	d := results.DriftResult{Case: c, A: a, B: b}
	if a.Response == nil || b.Response == nil {
		return d
	}
	d.Compared = true
	sa, sb := a.Response.Status, b.Response.Status
	if sa != sb {
		d.Differences = append(d.Differences, results.DriftDifference{Aspect: results.DriftStatus, A: strconv.Itoa(sa), B: strconv.Itoa(sb)})
	}
	ba, bb := decodeBody(a.Response.Body), decodeBody(b.Response.Body)
	if ca, cb := errorCode(ba), errorCode(bb); ca != cb {
		d.Differences = append(d.Differences, results.DriftDifference{Aspect: results.DriftCode, A: ca, B: cb})
	}
	d.Differences = append(d.Differences, shapeDifferences(ba, bb)...)
	for i := range d.Differences {
		dd := &d.Differences[i]
		dd.ABreaks, dd.BBreaks = breaking(a.Conformance, *dd), breaking(b.Conformance, *dd)
	}
	return d
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
