package mockserver

import (
	"fmt"
	"hash/fnv"
	"maps"
	"math/rand/v2"
	"mime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/casebook-dev/casebook/internal/spec"
)

// successResponse picks the answer a valid request gets: the lowest 2xx
// status the operation declares (a "2XX" range counts as 200), else 200.
func successResponse(op *spec.Operation) (int, *openapi3.Response) {
	best, bestStatus := (*openapi3.Response)(nil), 0
	if op.Op.Responses != nil {
		for code, ref := range op.Op.Responses.Map() {
			st := 0
			switch {
			case strings.EqualFold(code, "2XX"):
				st = 200
			case len(code) == 3 && code[0] == '2':
				st, _ = strconv.Atoi(code)
			}
			if st != 0 && (bestStatus == 0 || st < bestStatus) && ref != nil {
				best, bestStatus = ref.Value, st
			}
		}
	}
	if bestStatus == 0 {
		return 200, nil
	}
	return bestStatus, best
}

// successBody is the body of the success answer: the spec's example where
// it gives one, else a value generated from the schema, seeded from the
// request so the same request always gets the same answer.
func successBody(resp *openapi3.Response, seed uint64) (contentType string, body any, ok bool) {
	if resp == nil || len(resp.Content) == 0 {
		return "", nil, false
	}
	ct, media := pickMedia(resp.Content)
	if media == nil {
		return "", nil, false
	}
	if media.Example != nil {
		return ct, media.Example, true
	}
	if ex := firstExample(media.Examples); ex != nil {
		return ct, ex, true
	}
	if media.Schema == nil {
		return ct, nil, false
	}
	g := &generator{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), onStack: map[*openapi3.Schema]int{}}
	return ct, g.value(media.Schema, "", 0), true
}

// pickMedia prefers JSON media types, then the first in name order.
func pickMedia(content openapi3.Content) (string, *openapi3.MediaType) {
	names := slices.Sorted(maps.Keys(content))
	for _, n := range names {
		mt, _, _ := mime.ParseMediaType(n)
		if mt == "application/json" || strings.HasSuffix(mt, "+json") {
			return n, content[n]
		}
	}
	for _, n := range names {
		if strings.Contains(n, "*") {
			continue
		}
		return n, content[n]
	}
	return "", nil
}

func firstExample(examples openapi3.Examples) any {
	for _, n := range slices.Sorted(maps.Keys(examples)) {
		if ref := examples[n]; ref != nil && ref.Value != nil && ref.Value.Value != nil {
			return ref.Value.Value
		}
	}
	return nil
}

// requestSeed hashes what makes a request itself.
func requestSeed(method, path, rawQuery string, body []byte) uint64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "%s %s?%s\n", method, path, rawQuery)
	h.Write(body)
	return h.Sum64()
}

// generator makes a value that validates against a schema. Depth is bounded
// and a schema that recurses into itself is cut off, so every spec yields
// a finite answer.
type generator struct {
	rng     *rand.Rand
	onStack map[*openapi3.Schema]int
}

const maxDepth = 6

func (g *generator) value(ref *openapi3.SchemaRef, name string, depth int) any {
	if ref == nil || ref.Value == nil {
		return nil
	}
	s := ref.Value
	if s.Example != nil {
		return s.Example
	}
	if len(s.Enum) > 0 {
		return s.Enum[g.rng.IntN(len(s.Enum))]
	}
	if len(s.OneOf) > 0 {
		return g.value(s.OneOf[0], name, depth)
	}
	if len(s.AnyOf) > 0 {
		return g.value(s.AnyOf[0], name, depth)
	}
	if g.onStack[s] > 0 || depth > maxDepth {
		return nil
	}
	g.onStack[s]++
	defer func() { g.onStack[s]-- }()
	switch {
	case len(s.AllOf) > 0:
		return g.allOf(s, depth)
	case s.Type.Is("object") || (s.Type == nil && len(s.Properties) > 0):
		return g.object(s, depth)
	case s.Type.Is("array"):
		return g.array(s, name, depth)
	case s.Type.Is("string"):
		return g.str(s, name)
	case s.Type.Is("integer"):
		return g.integer(s)
	case s.Type.Is("number"):
		return float64(g.integer(s)) + 0.5
	case s.Type.Is("boolean"):
		return g.rng.IntN(2) == 1
	}
	return nil
}

func (g *generator) object(s *openapi3.Schema, depth int) any {
	out := map[string]any{}
	for _, k := range slices.Sorted(maps.Keys(s.Properties)) {
		p := s.Properties[k]
		if p.Value != nil && p.Value.WriteOnly {
			continue
		}
		if v := g.value(p, k, depth+1); v != nil {
			out[k] = v
		}
	}
	if len(s.Properties) == 0 && s.AdditionalProperties.Schema != nil {
		if v := g.value(s.AdditionalProperties.Schema, "key", depth+1); v != nil {
			out["key"] = v
		}
	}
	return out
}

func (g *generator) allOf(s *openapi3.Schema, depth int) any {
	out := map[string]any{}
	for _, sub := range s.AllOf {
		if m, ok := g.value(sub, "", depth+1).(map[string]any); ok {
			for k, v := range m {
				out[k] = v
			}
		}
	}
	if len(s.Properties) > 0 {
		if m, ok := g.object(s, depth).(map[string]any); ok {
			for k, v := range m {
				out[k] = v
			}
		}
	}
	return out
}

func (g *generator) array(s *openapi3.Schema, name string, depth int) any {
	n := max(1, int(s.MinItems))
	if s.MaxItems != nil && uint64(n) > *s.MaxItems {
		n = int(*s.MaxItems)
	}
	out := make([]any, 0, n)
	for range n {
		if v := g.value(s.Items, name, depth+1); v != nil {
			out = append(out, v)
		}
	}
	return out
}

var epoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func (g *generator) str(s *openapi3.Schema, name string) string {
	switch s.Format {
	case "date-time":
		return epoch.Add(time.Duration(g.rng.IntN(365*24*3600)) * time.Second).Format("2006-01-02T15:04:05.000Z")
	case "date":
		return epoch.AddDate(0, 0, g.rng.IntN(365)).Format("2006-01-02")
	case "uuid":
		return g.uuid()
	case "uri", "uri-reference", "url":
		return "https://example.invalid/" + g.hex(8)
	case "email":
		return "user-" + g.hex(4) + "@example.invalid"
	case "byte":
		return "Y2FzZWJvb2s="
	}
	if name == "id" || strings.HasSuffix(name, "Id") {
		return g.uuid()
	}
	v := name + "-" + g.hex(4)
	if name == "" {
		v = "string-" + g.hex(4)
	}
	if s.MaxLength != nil && uint64(len(v)) > *s.MaxLength {
		v = v[:*s.MaxLength]
	}
	for uint64(len(v)) < s.MinLength {
		v += "x"
	}
	return v
}

func (g *generator) integer(s *openapi3.Schema) int64 {
	lo, hi := int64(0), int64(100)
	if s.Min != nil {
		lo = int64(*s.Min)
		if s.Max == nil {
			hi = lo + 100
		}
	}
	if s.Max != nil {
		hi = int64(*s.Max)
		if s.Min == nil {
			lo = min(0, hi)
		}
	}
	if hi <= lo {
		return lo
	}
	return lo + g.rng.Int64N(hi-lo+1)
}

func (g *generator) hex(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = "0123456789abcdef"[g.rng.IntN(16)]
	}
	return string(b)
}

func (g *generator) uuid() string {
	return g.hex(8) + "-" + g.hex(4) + "-4" + g.hex(3) + "-8" + g.hex(3) + "-" + g.hex(12)
}
