package lint

import (
	"encoding/json"
	"regexp"
	"slices"
	"strconv"

	"github.com/getkin/kin-openapi/openapi3"
)

// A query string, a header or a form body carries text only. coerce turns
// the text a request carries into the JSON value its schema describes
// ("5" is 5 where the schema says integer; a map with keys "0", "1" is an
// array where it says array), so one validator checks parameters, forms
// and JSON bodies alike. Text that does not read as the schema's type stays
// text: the validator then names it ("value must be an integer" at
// /Timeout), instead of a parser giving up on the whole request.
type coercer struct {
	v Validator
	// depth bounds the walk through schemas that recurse into themselves.
	depth int
}

const maxCoerceDepth = 32

func (c *coercer) coerce(v any, ref *openapi3.SchemaRef) any {
	if ref == nil || ref.Value == nil || c.depth > maxCoerceDepth {
		return v
	}
	c.depth++
	defer func() { c.depth-- }()
	s := ref.Value
	if alts := append(slices.Clip(s.OneOf), s.AnyOf...); len(alts) > 0 {
		return c.alternatives(v, alts)
	}
	for _, sub := range s.AllOf {
		v = c.coerce(v, sub) // typing is idempotent: each member refines
	}
	switch x := v.(type) {
	case string:
		return scalar(x, s)
	case map[string]any:
		if s.Type.Permits("array") && !s.Type.Permits("object") {
			if list, ok := indexed(x); ok {
				return c.list(list, s)
			}
		}
		return c.object(x, s)
	case []any:
		if s.Type.Permits("array") {
			return c.list(x, s)
		}
	}
	return v
}

// alternatives reads v as the first member of a oneOf or anyOf it
// validates against once typed that way; when none fits, v stays as it was
// sent and the validator reports every member's complaint.
func (c *coercer) alternatives(v any, alts openapi3.SchemaRefs) any {
	for _, alt := range alts {
		if alt == nil || alt.Value == nil {
			continue
		}
		if typed := c.coerce(v, alt); c.v.Visit(alt.Value, typed) == nil {
			return typed
		}
	}
	return v
}

func (c *coercer) object(m map[string]any, s *openapi3.Schema) map[string]any {
	out := make(map[string]any, len(m))
	for k, sub := range m {
		if p := s.Properties[k]; p != nil {
			out[k] = c.coerce(sub, p)
		} else if ap := s.AdditionalProperties.Schema; ap != nil {
			out[k] = c.coerce(sub, ap)
		} else {
			out[k] = sub
		}
	}
	return out
}

func (c *coercer) list(l []any, s *openapi3.Schema) []any {
	out := make([]any, len(l))
	for i, item := range l {
		out[i] = c.coerce(item, s.Items)
	}
	return out
}

// indexed reads a map whose keys are 0, 1, 2, ... (a[0]=x&a[1]=y) as the
// array it spells.
func indexed(m map[string]any) ([]any, bool) {
	out := make([]any, len(m))
	for k, v := range m {
		i, err := strconv.Atoi(k)
		if err != nil || i < 0 || i >= len(m) || k != strconv.Itoa(i) {
			return nil, false
		}
		out[i] = v
	}
	return out, true
}

// scalar types one text value by the schema's type; text that does not
// read as that type is returned as is.
func scalar(text string, s *openapi3.Schema) any {
	types := s.Type.Slice()
	if len(types) == 0 {
		return text
	}
	for _, t := range types {
		switch t {
		case "string":
			return text
		case "integer":
			if i, err := strconv.ParseInt(text, 10, 64); err == nil {
				return json.Number(strconv.FormatInt(i, 10))
			}
		case "number":
			if decimal.MatchString(text) {
				if f, err := strconv.ParseFloat(text, 64); err == nil {
					return json.Number(strconv.FormatFloat(f, 'g', -1, 64))
				}
			}
		case "boolean":
			if text == "true" || text == "false" {
				return text == "true"
			}
		case "null":
			if text == "" || text == "null" {
				return nil
			}
		}
	}
	return text
}

// decimal is a number as people write one in a query: no hexadecimal, no
// Inf or NaN, which strconv.ParseFloat would also take.
var decimal = regexp.MustCompile(`^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$`)
