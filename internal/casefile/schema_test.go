package casefile

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"

	"github.com/casebook-dev/casebook/internal/fault"
	"github.com/casebook-dev/casebook/internal/wsfault"
)

const schemaFile = "../../docs/case.schema.json"

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	s, err := c.Compile(schemaFile)
	if err != nil {
		t.Fatalf("compiling %s: %v", schemaFile, err)
	}
	return s
}

// TestSchemaMatchesDecoder keeps the editor schema and the decoder in step:
// every key the decoder knows is in the schema, and no other.
func TestSchemaMatchesDecoder(t *testing.T) {
	data, err := os.ReadFile(schemaFile)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Defs map[string]struct {
			Properties map[string]any `json:"properties"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	for def, typ := range map[string]reflect.Type{
		"case": reflect.TypeFor[Case](), "request": reflect.TypeFor[Request](),
		"expect": reflect.TypeFor[Expect](), "finding": reflect.TypeFor[ExpectedFinding](),
		"channel": reflect.TypeFor[Channel](), "event": reflect.TypeFor[ExpectedEvent](),
		"wsfaults": reflect.TypeFor[wsfault.Faults](), "mock": reflect.TypeFor[Mock](), "step": reflect.TypeFor[Step](),
	} {
		want := map[string]bool{}
		for i := range typ.NumField() {
			if tag := typ.Field(i).Tag.Get("yaml"); tag != "" && tag != "-" {
				want[tag] = true
			}
		}
		got := doc.Defs[def].Properties
		for k := range want {
			if _, ok := got[k]; !ok {
				t.Errorf("schema $defs/%s lacks property %q that the decoder accepts", def, k)
			}
		}
		for k := range got {
			if !want[k] {
				t.Errorf("schema $defs/%s has property %q that the decoder rejects", def, k)
			}
		}
	}
}

// TestSchemaFaultKeys: a fault in the schema takes the keys the fault
// decoder takes.
func TestSchemaFaultKeys(t *testing.T) {
	data, err := os.ReadFile(schemaFile)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Defs struct {
			Fault struct {
				OneOf []struct {
					Properties map[string]any `json:"properties"`
				} `json:"oneOf"`
			} `json:"fault"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, alt := range doc.Defs.Fault.OneOf {
		for k := range alt.Properties {
			got = append(got, k)
		}
	}
	want := append(slices.Clone(fault.Keys), "retryAfter")
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("schema fault keys = %v, want %v", got, want)
	}
}

// TestShippedCasesMatchSchema validates every shipped case file against the
// schema editors use, and decodes it: the two must agree.
func TestShippedCasesMatchSchema(t *testing.T) {
	schema := compileSchema(t)
	files, _ := filepath.Glob("../../cases/*/*.yaml")
	if len(files) == 0 {
		t.Fatal("no shipped cases found under ../../cases")
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var v any
		if err := yaml.Unmarshal(data, &v); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		// Round-trip through JSON so the validator sees JSON types.
		j, _ := json.Marshal(v)
		inst, err := jsonschema.UnmarshalJSON(strings.NewReader(string(j)))
		if err != nil {
			t.Fatal(err)
		}
		if err := schema.Validate(inst); err != nil {
			t.Errorf("%s does not match docs/case.schema.json: %v", f, err)
		}
		if _, err := ReadFile(f); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}
