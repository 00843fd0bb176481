package lint

import (
	"slices"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// TestUndeclaredNested: fields the schema does not declare are found at
// every depth, in objects within objects and arrays, each at its pointer.
func TestUndeclaredNested(t *testing.T) {
	obj := func(props openapi3.Schemas) *openapi3.SchemaRef {
		return openapi3.NewSchemaRef("", &openapi3.Schema{Type: &openapi3.Types{"object"}, Properties: props})
	}
	leaf := openapi3.NewIntegerSchema().NewRef()
	schema := obj(openapi3.Schemas{
		"items": openapi3.NewSchemaRef("", &openapi3.Schema{Type: &openapi3.Types{"array"}, Items: obj(openapi3.Schemas{"a": leaf})}),
		"obj":   obj(openapi3.Schemas{"inner": obj(openapi3.Schemas{"b": leaf})}),
		"n":     leaf,
	})
	body, err := decodeJSON([]byte(`{"items": [{"a": 1, "x": 2}, {"y~/": 3}, 4], "obj": {"inner": {"b": 1, "z": {"deep": 1}}}, "n": 5, "top": [1]}`))
	if err != nil {
		t.Fatal(err)
	}
	c := &collector{}
	c.undeclared(body, schema, "")
	var got []string
	for _, f := range c.sorted() {
		got = append(got, f.Pointer)
	}
	want := []string{"/items/0/x", "/items/1/y~0~1", "/obj/inner/z", "/top"}
	if !slices.Equal(got, want) {
		t.Errorf("undeclared pointers = %q, want %q", got, want)
	}
}
