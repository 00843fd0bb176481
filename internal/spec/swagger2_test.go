package spec

import (
	"encoding/json"
	"os"
	"reflect"
	"testing"

	"github.com/getkin/kin-openapi/openapi2"
	"go.yaml.in/yaml/v3"
)

// TestDecodeSwagger2 checks the split, parallel decode against
// json.Unmarshal on the same bytes: the result must be identical.
func TestDecodeSwagger2(t *testing.T) {
	docs := map[string][]byte{
		"edge cases": []byte(`{"swagger": "2.0", "info": {"title": "t", "version": "1"}, "x-top": 1,
			"paths": {"/a": {"get": {"responses": {"200": {"description": "ok"}}}, "x-p": true}, "/null": null},
			"definitions": {"D": {"type": "object", "properties": {"n": {"type": "integer"}}}, "N": null}}`),
		"no paths": []byte(`{"swagger": "2.0", "info": {"title": "t", "version": "1"}}`),
	}
	yml, err := os.ReadFile("testdata/swagger2.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := yaml.Unmarshal(yml, &v); err != nil {
		t.Fatal(err)
	}
	if docs["testdata/swagger2.yaml"], err = json.Marshal(v); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(publishedSwagger)
	if err != nil {
		t.Fatalf("the published swagger is missing (%v): the corpus ../shared/specs-real is always beside the checkout", err)
	}
	docs["published swagger"] = data
	for name, data := range docs {
		t.Run(name, func(t *testing.T) {
			var want, got openapi2.T
			if err := json.Unmarshal(data, &want); err != nil {
				t.Fatal(err)
			}
			if err := decodeSwagger2(data, &got); err != nil {
				t.Fatalf("decodeSwagger2: %v", err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("decodeSwagger2 differs from json.Unmarshal")
			}
		})
	}
}

// TestDecodeSwagger2Errors checks that errors are those of the whole
// document decoded at once: a syntax error keeps its line and column.
func TestDecodeSwagger2Errors(t *testing.T) {
	for _, tt := range []struct {
		name, doc string
		wantLine  int
	}{
		{"syntax", "{\"swagger\": \"2.0\",\n \"paths\": {\"/a\": {]}}}", 2},
		// openapi2 rewrites type errors as text: no offset, before and after.
		{"type", "{\"swagger\": \"2.0\",\n \"paths\": {\"/a\": {\"get\": {\"parameters\": 3}}}}", 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := load("bad.json", []byte(tt.doc), LoadOptions{})
			var want openapi2.T
			werr := json.Unmarshal([]byte(tt.doc), &want)
			le, ok := err.(*LoadError)
			if !ok || le.Line != tt.wantLine || werr == nil || le.Err.Error() != werr.Error() {
				t.Fatalf("load(bad.json) = %v, want a LoadError on line %d with json.Unmarshal's error %v", err, tt.wantLine, werr)
			}
		})
	}
}
