package lint

import (
	"net/url"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// decodeForm reads an application/x-www-form-urlencoded body into the JSON
// value its schema describes, so that it is checked like a JSON body: every
// field at its own pointer, every finding at once. Keys may nest with
// brackets (address[city]=x, items[0][price]=y, expand[]=z), as Stripe's
// deepObject encodings and most form libraries write them; a key sent more
// than once is a list (Events=a&Events=b, an exploded array). A field the
// schema does not declare is kept, so additionalProperties and the
// undeclared-field warning see it.
func decodeForm(body []byte, media *openapi3.MediaType) (map[string]any, error) {
	values, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, err
	}
	var props openapi3.Schemas
	if media.Schema != nil && media.Schema.Value != nil {
		props = media.Schema.Value.Properties
	}
	out := map[string]any{}
	tree := brackets{}
	for key, vals := range values {
		if i := strings.IndexByte(key, '['); i > 0 && strings.HasSuffix(key, "]") {
			tree.add(key, vals)
			continue
		}
		out[key] = formField(vals, props[key], media.Encoding[key])
	}
	for k, v := range tree {
		if _, plain := out[k]; !plain {
			out[k] = v
		}
	}
	return out, nil
}

// formField is one unbracketed field: a list when the schema wants one
// (repeated keys when exploded, the default; delimited text otherwise),
// else its first value.
func formField(vals []string, ref *openapi3.SchemaRef, enc *openapi3.Encoding) any {
	if shapeOf(ref) == "array" {
		sm := enc.SerializationMethod()
		if sm.Explode && sm.Style == openapi3.SerializationForm || len(vals) > 1 {
			return textList(vals)
		}
		if vals[0] == "" {
			return []any{}
		}
		return textList(strings.Split(vals[0], delimiter(sm)))
	}
	if len(vals) > 1 && ref == nil {
		return textList(vals) // undeclared and repeated: keep all for the report
	}
	return vals[0]
}

// brackets builds nested values from bracketed keys: a[b][c]=v is
// {"a": {"b": {"c": "v"}}}; a[]=v appends to a list; a[0]=v is key "0",
// which coerce reads as an index where the schema wants an array.
type brackets map[string]any

func (t brackets) add(key string, vals []string) {
	path := splitBrackets(key)
	if path == nil {
		t[key] = firstOrList(vals)
		return
	}
	var node map[string]any = t
	for i, seg := range path {
		last := i == len(path)-1
		if seg == "" {
			// name[] (possibly name[][x], which no schema we know uses:
			// the values are appended as text).
			return
		}
		if last || path[i+1] == "" {
			if last {
				node[seg] = firstOrList(vals)
			} else {
				node[seg] = appendList(node[seg], vals)
			}
			return
		}
		child, ok := node[seg].(map[string]any)
		if !ok {
			child = map[string]any{}
			node[seg] = child
		}
		node = child
	}
}

func firstOrList(vals []string) any {
	if len(vals) == 1 {
		return vals[0]
	}
	return textList(vals)
}

func appendList(prev any, vals []string) []any {
	out, _ := prev.([]any)
	return append(slices.Clip(out), textList(vals)...)
}

// maxBrackets bounds how deep a key may nest; no schema we know nests
// past a handful, and a hostile key must not build a deep tree.
const maxBrackets = 32

// splitBrackets splits "a[b][c]" into a, b, c; nil when the key is not
// well formed or nests deeper than maxBrackets (it is then kept whole, as
// an undeclared field).
func splitBrackets(key string) []string {
	i := strings.IndexByte(key, '[')
	if i <= 0 || strings.Count(key, "[") > maxBrackets {
		return nil
	}
	out := []string{key[:i]}
	rest := key[i:]
	for rest != "" {
		if rest[0] != '[' {
			return nil
		}
		j := strings.IndexByte(rest, ']')
		if j < 0 {
			return nil
		}
		out = append(out, rest[1:j])
		rest = rest[j+1:]
	}
	return out
}
