package lint

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/casebook-dev/casebook/internal/finding"
	"github.com/casebook-dev/casebook/internal/jsonptr"
	"github.com/casebook-dev/casebook/internal/suggest"
)

// undeclared warns about body fields the schema does not declare although it
// lets them through (no additionalProperties: false). A server built to such
// a schema is likely to ignore them silently (casebook's reading; no vendor
// publishes it), which is how a misspelt field turns into a
// mysterious 400 ("no destination given") or, worse, a 200 that did less
// than asked.
func (c *collector) undeclared(v any, ref *openapi3.SchemaRef, ptr string) {
	if ref == nil || ref.Value == nil {
		return
	}
	s := ref.Value
	switch val := v.(type) {
	case map[string]any:
		props := Properties(s)
		if len(props) == 0 || forbidsOrMapsExtra(s) {
			// A free-form object or a map: any key is declared. A schema with
			// additionalProperties: false is the validator's to report.
			for k, sub := range val {
				if p := props[k]; p != nil && container(sub) {
					c.undeclared(sub, p, ptr+jsonptr.Join(k))
				}
			}
			return
		}
		// Any order: the findings are sorted by pointer in the end (sorted).
		for k, sub := range val {
			if p := props[k]; p != nil {
				if container(sub) {
					c.undeclared(sub, p, ptr+jsonptr.Join(k))
				}
				continue
			}
			declared := slices.Sorted(maps.Keys(props))
			c.addFinding(finding.Finding{Severity: finding.Warning, Location: finding.InBody, Pointer: ptr + jsonptr.Join(k), Rule: finding.RuleUndeclared,
				Message:    fmt.Sprintf("%q is not a field of %s; the schema allows other fields, so the server is likely to ignore it", k, schemaName(ref)),
				Allowed:    declared,
				DidYouMean: didYouMeanField(k, sub, declared),
			})
		}
	case []any:
		if s.Items == nil {
			return
		}
		for i, item := range val {
			if container(item) {
				c.undeclared(item, s.Items, ptr+"/"+strconv.Itoa(i))
			}
		}
	}
}

// container: v may hold fields (a scalar holds none, so undeclared skips
// building its pointer).
func container(v any) bool {
	switch v.(type) {
	case map[string]any, []any:
		return true
	}
	return false
}

// Properties merges the properties a value may have: the schema's own and
// those of its allOf, oneOf and anyOf members (a field any alternative
// declares is declared; the first declaration of a name wins). The map may
// be the schema's own: read it, never write to it.
func Properties(s *openapi3.Schema) map[string]*openapi3.SchemaRef {
	if len(s.AllOf)+len(s.OneOf)+len(s.AnyOf) == 0 {
		// Nothing to merge: the schema's own map, read only, saves a copy
		// per object per request in the mock.
		return s.Properties
	}
	out := map[string]*openapi3.SchemaRef{}
	var visit func(s *openapi3.Schema, depth int)
	visit = func(s *openapi3.Schema, depth int) {
		if s == nil || depth > 8 {
			return
		}
		for k, p := range s.Properties {
			if _, ok := out[k]; !ok {
				out[k] = p
			}
		}
		for _, group := range []openapi3.SchemaRefs{s.AllOf, s.OneOf, s.AnyOf} {
			for _, m := range group {
				if m != nil {
					visit(m.Value, depth+1)
				}
			}
		}
	}
	visit(s, 0)
	return out
}

func forbidsOrMapsExtra(s *openapi3.Schema) bool {
	ap := s.AdditionalProperties
	if ap.Has != nil && !*ap.Has {
		return true
	}
	return ap.Schema != nil
}

func declaredNames(s *openapi3.Schema) []string { return slices.Sorted(maps.Keys(Properties(s))) }

func schemaName(ref *openapi3.SchemaRef) string {
	if ref.Ref != "" {
		return ref.Ref[strings.LastIndexByte(ref.Ref, '/')+1:]
	}
	if ref.Value != nil && ref.Value.Title != "" {
		return ref.Value.Title
	}
	return "the schema"
}

var phoneLike = regexp.MustCompile(`^\+?[0-9][0-9 ().-]{5,}$`)

// didYouMeanField suggests one of the declared field names (sorted, the
// schema's declaredNames) for an undeclared one: by name first (callerID
// for callerId), then by what its value looks like (an object holding a
// phone number where the schema has a phoneNumber field: the thread's
// recipient {type, address}).
func didYouMeanField(name string, value any, names []string) string {
	if d := suggest.Closest(name, names); d != "" {
		return d
	}
	if !containsPhone(value, 0) {
		return ""
	}
	var hits []string
	for _, n := range names {
		if l := strings.ToLower(n); strings.Contains(l, "phone") || strings.Contains(l, "address") {
			hits = append(hits, n)
		}
	}
	sort.Slice(hits, func(i, j int) bool { return len(hits[i]) < len(hits[j]) })
	if len(hits) > 0 {
		return hits[0]
	}
	return ""
}

func containsPhone(v any, depth int) bool {
	if depth > 4 {
		return false
	}
	switch x := v.(type) {
	case string:
		return phoneLike.MatchString(x)
	case map[string]any:
		for _, sub := range x {
			if containsPhone(sub, depth+1) {
				return true
			}
		}
	case []any:
		for _, sub := range x {
			if containsPhone(sub, depth+1) {
				return true
			}
		}
	}
	return false
}
