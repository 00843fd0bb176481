package spec

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A JSON spec naming a key twice in one object is refused with the place
// of the second, as a YAML spec is: at the top, deep in a schema, inside
// a Swagger 2.0 path item (whose members are decoded as they are read),
// in an object long enough to be indexed rather than scanned.
func TestJSONSpecDuplicateKeyRefused(t *testing.T) {
	ok := `{"get": {"responses": {"200": {"description": "ok"}}}}`
	for name, tt := range map[string]struct {
		doc       string
		line, col int
		firstLine string
	}{
		"2.0 paths twice": {`{"swagger": "2.0", "info": {"title": "t", "version": "1"},
"paths": {"/a": ` + ok + `},
 "paths": {"/b": ` + ok + `}}`, 3, 2, "2"},
		"3.0 paths twice": {`{"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
"paths": {"/a": ` + ok + `},
 "paths": {"/b": ` + ok + `}}`, 3, 2, "2"},
		"2.0 get twice in a path item": {`{"swagger": "2.0", "info": {"title": "t", "version": "1"},
"paths": {"/a": {"get": {"responses": {"200": {"description": "ok"}}},
  "get": {"responses": {"201": {"description": "ok"}}}}}}`, 3, 3, "2"},
		"2.0 a path twice": {`{"swagger": "2.0", "info": {"title": "t", "version": "1"},
"paths": {"/a": ` + ok + `,
  "/a": ` + ok + `}}`, 3, 3, "2"},
		"2.0 a property twice": {`{"swagger": "2.0", "info": {"title": "t", "version": "1"}, "paths": {},
"definitions": {"S": {"properties": {"a": {"type": "string"},
   "a": {"type": "integer"}}}}}`, 3, 4, "2"},
		"3.1 a key twice": {`{"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {},
"components": {"schemas": {"S": {"type": "string",
 "type": "integer"}}}}`, 3, 2, "2"},
		"3.0 the 18th key of an object twice": {`{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
"components": {"schemas": {"S": {"properties": {` + manyProps(17) + `,
   "p3": {"type": "integer"}}}}}}`, 3, 4, "2"},
		"3.0 a property twice": {`{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
"components": {"schemas": {"S": {"properties": {"a": {"type": "string"},
   "a": {"type": "integer"}}}}}}`, 3, 4, "2"},
	} {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "spec.json")
			if err := os.WriteFile(p, []byte(tt.doc), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Load(p)
			var le *LoadError
			if !errors.As(err, &le) {
				t.Fatalf("Load = %v, want a LoadError", err)
			}
			if le.Line != tt.line || le.Column != tt.col {
				t.Errorf("Load: %v, want it at %d:%d", err, tt.line, tt.col)
			}
			if want := "already defined at line " + tt.firstLine; !strings.Contains(err.Error(), want) {
				t.Errorf("Load: %v, want %q in it", err, want)
			}
		})
	}
}

// manyProps is n properties p0..p(n-1) of one object, on one line.
func manyProps(n int) string {
	props := make([]string, n)
	for i := range props {
		props[i] = fmt.Sprintf(`"p%d": {"type": "string"}`, i)
	}
	return strings.Join(props, ", ")
}
