package lint

import (
	"github.com/getkin/kin-openapi/openapi3"

	"github.com/casebook-dev/casebook/internal/spec"
)

// plainOptions are the 3.0 options of both directions with the direction
// left out (see directionFree).
var plainOptions = []openapi3.SchemaValidationOption{openapi3.MultiErrors(), openapi3.WithStringFormatValidators(formats)}

// directionFree reports whether checking a value against s with
// kin-openapi's 3.0 visitor (v0.153, openapi3/schema_3point0_validator.go)
// gives the same verdict and the same errors without the direction option
// (VisitAsRequest or VisitAsResponse) as with it. The visitor reads the
// direction in four places only: the readOnly (request) or writeOnly
// (response) property errors and the defaults it sets, both in a walk of
// every object schema's properties (sorted on every call: the cost this
// saves); a required property it excuses for being readOnly or writeOnly,
// there or in an allOf; and a copy of the value before each oneOf and
// anyOf member, for the defaults. casebook sets no defaults
// (openapi3.DefaultsSet), so each place changes nothing unless a property
// of a schema the visitor reaches from s is readOnly (request) or
// writeOnly (response). directionFree walks what s reaches through every
// subschema keyword (reachable) and answers false on
// such a property, or on one whose $ref is unresolved (the property walk
// would stop there with the direction and not without). The answer is a
// fact of the document, kept per schema and direction; the differential
// test is TestDirectionFreeFindsWhatKinOpenAPIFinds.
func (ds *docState) directionFree(s *openapi3.Schema, dir Direction) bool {
	if free, ok := ds.free[dir].Load(s); ok {
		return free.(bool)
	}
	free := true
	reachable(s, func(x *openapi3.Schema) bool {
		for _, p := range x.Properties {
			if p == nil || p.Value == nil || dir == AsRequest && p.Value.ReadOnly || dir == AsResponse && p.Value.WriteOnly {
				free = false
			}
		}
		return free
	})
	ds.free[dir].Store(s, free)
	return free
}

// reachable calls visit on s and on every schema s reaches through a
// subschema keyword, each once, until visit returns false: the schemas
// kin-openapi's WalkSubtree visits (TestReachableIsWalkSubtree), without
// its sorting and its pointers.
func reachable(s *openapi3.Schema, visit func(*openapi3.Schema) bool) {
	seen := map[*openapi3.Schema]bool{s: true}
	stack := []*openapi3.Schema{s}
	push := func(r *openapi3.SchemaRef) {
		if r != nil && r.Value != nil && !seen[r.Value] {
			seen[r.Value] = true
			stack = append(stack, r.Value)
		}
	}
	for len(stack) > 0 {
		x := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if !visit(x) {
			return
		}
		spec.EachSubschema(x, push)
	}
}
