package generate

import (
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/casebook-dev/casebook/internal/lint"
)

// Values makes values that validate against a schema: the mock's answers
// and the requests of generated cases. The random source is the caller's
// (the mock seeds it from the request, so one request always gets one
// answer); the rules are here, once.
//
// Every property is filled down to a depth of six objects; below that, and
// where a schema recurses into itself, only required properties are kept
// (an answer that drops them fails its own schema), down to a hard bound
// that only a schema whose required properties recurse without end reaches.
type Values struct {
	rng     *rand.Rand
	dir     lint.Direction
	doc     *openapi3.T
	v       lint.Validator // checks values as lint does
	onStack map[*openapi3.Schema]int
}

const (
	fullDepth = 6  // every property down to here
	hardDepth = 24 // required properties only, down to here
)

// NewValues returns a generator for one direction of an exchange (readOnly
// properties are left out of requests, writeOnly ones out of answers). doc
// is the document the schemas come from (its version decides how values
// are checked); it may be nil.
func NewValues(rng *rand.Rand, doc *openapi3.T, dir lint.Direction) *Values {
	return &Values{rng: rng, dir: dir, doc: doc, v: lint.NewValidator(doc, dir), onStack: map[*openapi3.Schema]int{}}
}

// Value is a value for the schema, or nil when the schema admits nothing
// casebook can make (a schema that only forbids, or that recurses through
// required properties without end). name is the property the value is for:
// an "id" gets a UUID, anything else a string that says what it is.
func (g *Values) Value(ref *openapi3.SchemaRef, name string) any {
	return g.value(ref, name, 0)
}

// valid reports whether v validates against s, as lint checks it.
func (g *Values) valid(s *openapi3.Schema, v any) bool {
	return g.v.Visit(s, v) == nil
}

func (g *Values) value(ref *openapi3.SchemaRef, name string, depth int) any {
	if ref == nil || ref.Value == nil || depth > hardDepth {
		return nil
	}
	s := ref.Value
	if v, ok := g.fixed(s); ok {
		return v
	}
	if g.onStack[s] > 0 && depth <= fullDepth {
		// A recursion: go on with required properties only.
		depth = fullDepth + 1
	}
	g.onStack[s]++
	defer func() { g.onStack[s]-- }()
	switch {
	case len(s.OneOf) > 0:
		return g.oneOf(s, name, depth)
	case len(s.AnyOf) > 0:
		return g.anyOf(s, name, depth)
	case len(s.AllOf) > 0:
		return g.allOf(s, name, depth)
	}
	return g.typed(s, name, depth)
}

// fixed is a value the schema spells out: an example that validates, a
// const, an enum member.
func (g *Values) fixed(s *openapi3.Schema) (any, bool) {
	if s.Const != nil {
		return s.Const, true
	}
	if len(s.Enum) > 0 {
		for range len(s.Enum) {
			if v := s.Enum[g.rng.IntN(len(s.Enum))]; v != nil && g.valid(s, v) {
				return v, true
			}
		}
		for _, v := range s.Enum {
			if v != nil && g.valid(s, v) {
				return v, true
			}
		}
	}
	if s.Example != nil && g.valid(s, s.Example) {
		return s.Example, true
	}
	return nil, false
}

func (g *Values) typed(s *openapi3.Schema, name string, depth int) any {
	switch typeOf(s) {
	case "object":
		return g.object(s, depth)
	case "array":
		return g.array(s, name, depth)
	case "string":
		return g.str(s, name)
	case "integer":
		return g.integer(s)
	case "number":
		return g.number(s)
	case "boolean":
		return g.rng.IntN(2) == 1
	case "null":
		return nil
	}
	return nil
}

// typeOf is the type to make for s: its own (the first that is not null
// when it names several), or what its keywords imply.
func typeOf(s *openapi3.Schema) string {
	for _, t := range s.Type.Slice() {
		if t != "null" {
			return t
		}
	}
	switch {
	case s.Type != nil && len(s.Type.Slice()) > 0:
		return "null"
	case len(s.Properties) > 0 || s.AdditionalProperties.Schema != nil || len(s.Required) > 0:
		return "object"
	case s.Items != nil:
		return "array"
	case s.Min != nil || s.Max != nil:
		return "number"
	}
	// No type at all: any value validates; a string reads best.
	return "string"
}

// oneOf makes a value for the first alternative that validates against
// exactly one alternative (a value that fits two fails oneOf).
func (g *Values) oneOf(s *openapi3.Schema, name string, depth int) any {
	var first any
	for i, alt := range s.OneOf {
		v := g.alternative(s, alt, name, depth)
		if v == nil {
			continue
		}
		if i == 0 || first == nil {
			first = v
		}
		if g.valid(s, v) {
			return v
		}
	}
	return first
}

func (g *Values) anyOf(s *openapi3.Schema, name string, depth int) any {
	var first any
	for _, alt := range s.AnyOf {
		v := g.alternative(s, alt, name, depth)
		if v == nil {
			continue
		}
		if first == nil {
			first = v
		}
		if g.valid(s, v) {
			return v
		}
	}
	return first
}

// alternative makes a value for one member of a oneOf or anyOf, merged with
// the properties the schema itself declares beside it, and with the
// discriminator the schema names set to the member's mapping.
func (g *Values) alternative(s *openapi3.Schema, alt *openapi3.SchemaRef, name string, depth int) any {
	v := g.value(alt, name, depth)
	obj, ok := v.(map[string]any)
	if !ok {
		return v
	}
	if len(s.Properties) > 0 {
		if own, ok := g.object(s, depth).(map[string]any); ok {
			for k, x := range own {
				if _, set := obj[k]; !set {
					obj[k] = x
				}
			}
		}
	}
	if d := s.Discriminator; d != nil && d.PropertyName != "" {
		if key := discriminatorValue(d, alt); key != "" {
			obj[d.PropertyName] = key
		}
	}
	return obj
}

// discriminatorValue is the value of the discriminator property that
// selects alt: its key in the mapping, else its component name.
func discriminatorValue(d *openapi3.Discriminator, alt *openapi3.SchemaRef) string {
	for _, k := range slices.Sorted(maps.Keys(d.Mapping)) {
		if d.Mapping[k].Ref == alt.Ref {
			return k
		}
	}
	if alt.Ref != "" {
		return alt.Ref[strings.LastIndexByte(alt.Ref, '/')+1:]
	}
	return ""
}

func (g *Values) allOf(s *openapi3.Schema, name string, depth int) any {
	out := map[string]any{}
	var last any
	for _, sub := range s.AllOf {
		v := g.value(sub, name, depth)
		m, ok := v.(map[string]any)
		if !ok {
			last = v
			continue
		}
		maps.Copy(out, m)
	}
	if len(out) == 0 && last != nil && len(s.Properties) == 0 {
		return last // allOf of scalars: the constraints of one apply to all
	}
	if len(s.Properties) > 0 || len(s.Required) > 0 {
		if m, ok := g.object(s, depth).(map[string]any); ok {
			maps.Copy(out, m)
		}
	}
	return out
}

// object fills every property down to fullDepth, then the required ones
// only. A property this direction may not carry is left out.
func (g *Values) object(s *openapi3.Schema, depth int) any {
	out := map[string]any{}
	// The names in order (the generator's choices follow it), on the stack
	// for a schema of up to 16 properties: the mock builds an answer per
	// request, and a slice and a map per object were a tenth of what it
	// allocated.
	var buf [16]string
	names := buf[:0]
	for k := range s.Properties {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		p := s.Properties[k]
		if p == nil || p.Value == nil || !g.carries(p.Value) {
			continue
		}
		required := slices.Contains(s.Required, k)
		if depth > fullDepth && !required {
			continue
		}
		if v := g.value(p, k, depth+1); v != nil || (required && nullable(p.Value)) {
			out[k] = v
		}
	}
	if len(s.Properties) == 0 && s.AdditionalProperties.Schema != nil && depth <= fullDepth {
		if v := g.value(s.AdditionalProperties.Schema, "key", depth+1); v != nil {
			out["key"] = v
		}
	}
	for i := 0; uint64(len(out)) < s.MinProps; i++ {
		out["key"+strconv.Itoa(i)] = "value"
	}
	return out
}

// carries reports whether a property may travel in this direction.
func (g *Values) carries(p *openapi3.Schema) bool {
	if g.dir == lint.AsRequest {
		return !p.ReadOnly
	}
	return !p.WriteOnly
}

func nullable(s *openapi3.Schema) bool { return s.Nullable || s.Type.IncludesNull() }

func (g *Values) array(s *openapi3.Schema, name string, depth int) any {
	n := 1
	if depth > fullDepth {
		n = 0
	}
	n = max(n, int(s.MinItems))
	if s.MaxItems != nil && uint64(n) > *s.MaxItems {
		n = int(*s.MaxItems)
	}
	out := make([]any, 0, n)
	if s.Items == nil {
		for i := range n {
			out = append(out, "item-"+strconv.Itoa(i))
		}
		return out
	}
	for i := 0; len(out) < n && i < 3*n+3; i++ {
		v := g.value(s.Items, name, depth+1)
		if v == nil && !nullable(s.Items.Value) {
			break
		}
		if s.UniqueItems && containsJSON(out, v) {
			continue
		}
		out = append(out, v)
	}
	return out
}

func containsJSON(list []any, v any) bool {
	for _, x := range list {
		if jsonEqual(x, v) {
			return true
		}
	}
	return false
}

var epoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func (g *Values) str(s *openapi3.Schema, name string) string {
	if v, ok := g.formatted(s.Format); ok {
		return v
	}
	if s.Pattern != "" {
		if v, ok := fromPattern(s.Pattern, int(s.MinLength), s.MaxLength); ok {
			return v
		}
	}
	if name == "id" || strings.HasSuffix(name, "Id") {
		if v := g.uuid(); fitsLength(v, s) {
			return v
		}
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

func fitsLength(v string, s *openapi3.Schema) bool {
	n := uint64(len([]rune(v)))
	return n >= s.MinLength && (s.MaxLength == nil || n <= *s.MaxLength)
}

// formatted is a value of a string format casebook knows.
func (g *Values) formatted(format string) (string, bool) {
	switch format {
	case "date-time":
		return epoch.Add(time.Duration(g.rng.IntN(365*24*3600)) * time.Second).Format("2006-01-02T15:04:05.000Z"), true
	case "date":
		return epoch.AddDate(0, 0, g.rng.IntN(365)).Format("2006-01-02"), true
	case "uuid":
		return g.uuid(), true
	case "uri", "url":
		return "https://example.invalid/" + g.hex(8), true
	case "uri-reference":
		return "/" + g.hex(8), true
	case "email":
		return "user-" + g.hex(4) + "@example.invalid", true
	case "hostname":
		return "host-" + g.hex(4) + ".example.invalid", true
	case "ipv4":
		return "192.0.2." + strconv.Itoa(1+g.rng.IntN(254)), true // RFC 5737 documentation range
	case "ipv6":
		return "2001:db8::" + strconv.FormatInt(int64(1+g.rng.IntN(0xfffe)), 16), true // RFC 3849
	case "byte":
		return "Y2FzZWJvb2s=", true
	}
	return "", false
}

func (g *Values) integer(s *openapi3.Schema) any {
	lo, hi := bounds(s, 0, 100)
	ilo, ihi := int64(math.Ceil(lo)), int64(math.Floor(hi))
	if ihi < ilo {
		ihi = ilo
	}
	v := ilo + g.rng.Int64N(ihi-ilo+1)
	if m := s.MultipleOf; m != nil && *m >= 1 && *m == math.Trunc(*m) {
		step := int64(*m)
		v = (v / step) * step
		if v < ilo {
			v += step
		}
	}
	return v
}

func (g *Values) number(s *openapi3.Schema) any {
	if m := s.MultipleOf; m != nil && *m > 0 {
		lo, _ := bounds(s, 0, 100)
		return math.Ceil(lo / *m) * *m
	}
	lo, hi := bounds(s, 0, 100)
	if hi-lo >= 1 {
		return math.Floor(lo) + 0.5 + float64(g.rng.IntN(int(min(hi-lo, 100))))
	}
	return (lo + hi) / 2
}

// bounds is the inclusive range a number may take, defaulting to [lo, hi]
// around what the schema says. An exclusive bound moves in by one (every
// integer and every sensible number in an API is a whole step away).
func bounds(s *openapi3.Schema, lo, hi float64) (float64, float64) {
	if s.Min != nil {
		lo = *s.Min
		if s.ExclusiveMin.IsTrue() {
			lo++
		}
		if s.Max == nil {
			hi = lo + 100
		}
	}
	if v := s.ExclusiveMin.Value; v != nil {
		lo = max(lo, *v+1)
		hi = max(hi, lo+100)
	}
	if s.Max != nil {
		hi = *s.Max
		if s.ExclusiveMax.IsTrue() {
			hi--
		}
		if s.Min == nil {
			lo = min(lo, hi)
		}
	}
	if v := s.ExclusiveMax.Value; v != nil {
		hi = min(hi, *v-1)
		lo = min(lo, hi)
	}
	if hi < lo {
		hi = lo
	}
	if hi-lo > 1e6 {
		// A range as wide as the type: stay near zero, inside it.
		lo = max(lo, min(0, hi-100))
		hi = lo + 100
	}
	return lo, hi
}

func (g *Values) hex(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = "0123456789abcdef"[g.rng.IntN(16)]
	}
	return string(b)
}

func (g *Values) uuid() string {
	return g.hex(8) + "-" + g.hex(4) + "-4" + g.hex(3) + "-8" + g.hex(3) + "-" + g.hex(12)
}
