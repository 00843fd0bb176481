package lint

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"

	"github.com/casebook-dev/casebook/internal/finding"
	"github.com/casebook-dev/casebook/internal/jsonptr"
	"github.com/casebook-dev/casebook/internal/suggest"
)

// collector turns the validator's error tree into findings.
type collector struct {
	findings []finding.Finding
	seen     map[string]bool
	// v validates a value again where an anyOf says only that no member
	// matched (see closestMember); the zero Validator leaves the
	// composite finding.
	v Validator
	// jsonBody is the JSON body decoded, when decoded (Options.Decoded).
	jsonBody any
	decoded  bool
	// errorsOnly skips what finds only warnings (Options.ErrorsOnly).
	errorsOnly bool
}

func (c *collector) addFinding(f finding.Finding) {
	key := string(f.Location) + "\x00" + f.Pointer + "\x00" + f.Rule + "\x00" + f.Message
	if c.seen == nil {
		c.seen = map[string]bool{}
	}
	if c.seen[key] {
		return
	}
	c.seen[key] = true
	c.findings = append(c.findings, f)
}

func (c *collector) sorted() []finding.Finding {
	slices.SortStableFunc(c.findings, func(a, b finding.Finding) int {
		if a.Location != b.Location {
			return strings.Compare(string(a.Location), string(b.Location))
		}
		if a.Pointer != b.Pointer {
			return strings.Compare(a.Pointer, b.Pointer)
		}
		return strings.Compare(a.Rule, b.Rule)
	})
	return c.findings
}

// add walks an error from openapi3filter. loc and base are the location and
// pointer prefix inherited from the enclosing RequestError.
func (c *collector) add(err error, loc finding.Location, base string) {
	var me openapi3.MultiError
	if errors.As(err, &me) && isMulti(err) {
		for _, e := range me {
			c.add(e, loc, base)
		}
		return
	}
	switch e := err.(type) {
	case *openapi3filter.RequestError:
		c.requestError(e)
		return
	case *openapi3.SchemaError:
		c.schemaError(e, loc, base)
		return
	case *error31:
		c.error31(e, e.verr, "", loc, base)
		return
	case *openapi3filter.ParseError:
		c.addFinding(finding.Finding{Severity: finding.Error, Location: loc, Pointer: base, Rule: finding.RuleSyntax, Message: parseReason(e)})
		return
	}
	if inner := errors.Unwrap(err); inner != nil {
		c.add(inner, loc, base)
		return
	}
	rule := "invalid"
	if errors.Is(err, openapi3filter.ErrInvalidRequired) {
		rule = "required"
	}
	c.addFinding(finding.Finding{Severity: finding.Error, Location: loc, Pointer: base, Rule: rule, Message: err.Error()})
}

func isMulti(err error) bool {
	_, ok := err.(openapi3.MultiError)
	return ok
}

func (c *collector) requestError(e *openapi3filter.RequestError) {
	loc, base := finding.InBody, ""
	if p := e.Parameter; p != nil {
		loc, base = finding.Location(p.In), jsonptr.Join(p.Name)
	}
	if e.Err == nil {
		c.addFinding(finding.Finding{Severity: finding.Error, Location: loc, Pointer: base, Rule: "invalid", Message: e.Reason})
		return
	}
	if errors.Is(e.Err, openapi3filter.ErrInvalidRequired) {
		what := "the request body"
		if e.Parameter != nil {
			what = fmt.Sprintf("%s parameter %q", e.Parameter.In, e.Parameter.Name)
		}
		c.addFinding(finding.Finding{Severity: finding.Error, Location: loc, Pointer: base, Rule: "required", Message: what + " is required but missing"})
		return
	}
	if errors.Is(e.Err, openapi3filter.ErrInvalidEmptyValue) {
		c.addFinding(finding.Finding{Severity: finding.Error, Location: loc, Pointer: base, Rule: "allowEmptyValue", Message: "an empty value is not allowed"})
		return
	}
	c.add(e.Err, loc, base)
}

func parseReason(e *openapi3filter.ParseError) string {
	if e.Reason != "" {
		return e.Reason
	}
	return "cannot parse the value"
}

// schemaError renders one schema error; errors from oneOf/anyOf/allOf carry
// the sub-schemas' errors in Origin, which are reported instead when present.
func (c *collector) schemaError(e *openapi3.SchemaError, loc finding.Location, base string) {
	if e.Origin != nil && hasSchemaErrors(e.Origin) {
		c.add(e.Origin, loc, base)
		return
	}
	c.leaf(schemaLeaf{loc: loc, ptr: base + pointer(e.JSONPointer()), field: e.SchemaField, reason: e.Reason,
		schema: e.Schema, value: e.Value, kind: kind2020(e)})
}

// error31 walks the error tree of a compiled 3.1 schema as schemaError
// walks kin-openapi's conversion of the same tree (openapi3's
// formatValidationError): causes stand for their parent, and a leaf reads
// its pointer, keyword, schema and value off the validator's error. path
// is the conversion's reason prefix, kept word for word.
func (c *collector) error31(e *error31, verr *jsonschema.ValidationError, parentPath string, loc finding.Location, base string) {
	path := "/" + strings.Join(verr.InstanceLocation, "/")
	if parentPath != "" && path != "/" {
		path = parentPath + path
	} else if path == "/" {
		path = parentPath
	}
	if len(verr.Causes) > 0 {
		for _, cause := range verr.Causes {
			c.error31(e, cause, path, loc, base)
		}
		return
	}
	reason := verr.Error()
	if path != "" {
		reason = `error at "` + path + `": ` + reason
	}
	l := schemaLeaf{loc: loc, ptr: base + pointer(verr.InstanceLocation), reason: reason,
		schema: e.plan.schemaAt(verr.SchemaURL), value: valueAt(e.root, verr.InstanceLocation), kind: verr.ErrorKind}
	if keywords := verr.ErrorKind.KeywordPath(); len(keywords) > 0 {
		l.field = keywords[len(keywords)-1]
	}
	c.leaf(l)
}

// schemaLeaf is one failed keyword: where, which, and against what.
type schemaLeaf struct {
	loc    finding.Location
	ptr    string
	field  string // the schema keyword that failed
	reason string
	schema *openapi3.Schema // nil when the validator does not say
	value  any
	kind   jsonschema.ErrorKind // the 2020-12 error kind, nil for 3.0
}

func (c *collector) leaf(l schemaLeaf) {
	if c.closestMember(l) {
		return
	}
	f := finding.Finding{Severity: finding.Error, Location: l.loc, Pointer: l.ptr, Rule: l.field, Message: l.reason}
	if l.kind != nil {
		if c.perProperty2020(l) {
			return
		}
		if msg := message2020(l.kind); msg != "" {
			f.Message = msg
		}
	}
	if l.field == "properties" && l.schema != nil {
		if obj, ok := l.value.(map[string]any); ok && c.unsupported(l.schema, obj, l.loc, l.ptr) {
			return
		}
	}
	if f.Rule == "" {
		f.Rule = "invalid"
	}
	if l.schema != nil {
		f.Allowed = allowed(l.schema, l.field)
		if l.field == "enum" {
			if s, ok := l.value.(string); ok {
				f.DidYouMean = suggest.Closest(s, f.Allowed)
			}
		}
	}
	c.addFinding(f)
}

// perProperty2020 reports a 2020-12 required or additionalProperties error
// as the 3.0 validator does: one finding per property, at the property's
// own pointer. It reports whether it did.
func (c *collector) perProperty2020(l schemaLeaf) bool {
	switch k := l.kind.(type) {
	case *kind.Required:
		for _, name := range k.Missing {
			c.addFinding(finding.Finding{Severity: finding.Error, Location: l.loc, Pointer: l.ptr + jsonptr.Join(name), Rule: "required",
				Message: fmt.Sprintf("property %q is missing", name)})
		}
		return true
	case *kind.AdditionalProperties:
		if obj, ok := l.value.(map[string]any); ok && l.schema != nil && c.unsupported(l.schema, obj, l.loc, l.ptr) {
			return true
		}
		for _, name := range k.Properties {
			c.addFinding(finding.Finding{Severity: finding.Error, Location: l.loc, Pointer: l.ptr + jsonptr.Join(name), Rule: "additionalProperties",
				Message: fmt.Sprintf("property %q is not allowed here", name)})
		}
		return true
	}
	return false
}

// closestMember explains an anyOf or oneOf that no member matched by the
// one member of the value's own JSON type, when there is exactly one
// (Stripe's created[gt]=soon fits anyOf [range object, integer] nowhere;
// the object member says why: /created/gt must be an integer). It reports
// whether it did.
func (c *collector) closestMember(l schemaLeaf) bool {
	if (l.field != "anyOf" && l.field != "oneOf") || l.schema == nil || c.v.isZero() {
		return false
	}
	var member *openapi3.Schema
	for _, alt := range append(slices.Clip(l.schema.AnyOf), l.schema.OneOf...) {
		if alt == nil || alt.Value == nil || !admits(alt.Value, l.value) {
			continue
		}
		if member != nil {
			return false // two candidates: the composite finding says it best
		}
		member = alt.Value
	}
	if member == nil {
		return false
	}
	err := c.v.Visit(member, l.value)
	if err == nil {
		return false
	}
	c.add(err, l.loc, l.ptr)
	return true
}

// admits reports whether a schema's declared type lets the value's JSON
// type through.
func admits(s *openapi3.Schema, v any) bool {
	if s.Type == nil {
		return false // a typeless member: no better explanation than the composite one
	}
	switch v.(type) {
	case map[string]any:
		return s.Type.Permits("object")
	case []any:
		return s.Type.Permits("array")
	case string:
		return s.Type.Permits("string")
	case bool:
		return s.Type.Permits("boolean")
	case nil:
		return s.Type.Permits("null")
	}
	return s.Type.Permits("number") || s.Type.Permits("integer")
}

func hasSchemaErrors(err error) bool {
	var se *openapi3.SchemaError
	return errors.As(err, &se)
}

// unsupported reports each property the schema forbids (additionalProperties:
// false) at its own pointer, with the nearest declared name.
func (c *collector) unsupported(s *openapi3.Schema, obj map[string]any, loc finding.Location, ptr string) bool {
	declared := declaredNames(s)
	found := false
	for _, k := range slices.Sorted(maps.Keys(obj)) {
		if _, ok := s.Properties[k]; ok {
			continue
		}
		found = true
		c.addFinding(finding.Finding{Severity: finding.Error, Location: loc, Pointer: ptr + jsonptr.Join(k), Rule: "additionalProperties",
			Message:    fmt.Sprintf("property %q is not allowed here", k),
			Allowed:    declared,
			DidYouMean: didYouMeanField(k, obj[k], declared),
		})
	}
	return found
}

func pointer(tokens []string) string {
	if len(tokens) == 0 {
		return ""
	}
	return jsonptr.Join(tokens...)
}

// allowed lists what the broken keyword allows.
func allowed(s *openapi3.Schema, field string) []string {
	switch field {
	case "enum":
		out := make([]string, 0, len(s.Enum))
		for _, v := range s.Enum {
			out = append(out, fmt.Sprint(v))
		}
		return out
	case "type":
		if s.Type != nil {
			return s.Type.Slice()
		}
	case "pattern":
		return []string{s.Pattern}
	case "format":
		return []string{s.Format}
	case "minLength", "maxLength":
		return []string{lengthRange(s)}
	case "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum":
		return []string{numberRange(s)}
	}
	return nil
}

func lengthRange(s *openapi3.Schema) string {
	if s.MaxLength != nil {
		return fmt.Sprintf("length %d to %d", s.MinLength, *s.MaxLength)
	}
	return fmt.Sprintf("length at least %d", s.MinLength)
}

func numberRange(s *openapi3.Schema) string {
	var parts []string
	if s.Min != nil {
		parts = append(parts, fmt.Sprintf(">= %v", *s.Min))
	}
	if s.Max != nil {
		parts = append(parts, fmt.Sprintf("<= %v", *s.Max))
	}
	return strings.Join(parts, " and ")
}
