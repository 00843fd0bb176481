package lint

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
)

// On an OpenAPI 3.1 document kin-openapi validates with a JSON Schema
// 2020-12 validator whose messages read "at '/n': minimum: got 0, want 1".
// A finding says the same thing in the same words whatever the document's
// version, so rule2020 rewords that validator's error kinds as the 3.0
// validator words them ("number must be at least 1"), from the typed
// kind, never from its text.

// kind2020 is the innermost error kind of a 2020-12 validation error that
// a SchemaError was converted from, or nil for a 3.0 error.
func kind2020(err error) jsonschema.ErrorKind {
	var verr *jsonschema.ValidationError
	if !errors.As(err, &verr) {
		return nil
	}
	for len(verr.Causes) == 1 && isWrapperKind(verr.ErrorKind) {
		verr = verr.Causes[0]
	}
	return verr.ErrorKind
}

func isWrapperKind(k jsonschema.ErrorKind) bool {
	switch k.(type) {
	case *kind.Schema, *kind.Group, *kind.Reference:
		return true
	}
	return false
}

// message2020 words one 2020-12 error kind; "" leaves the validator's reason.
func message2020(k jsonschema.ErrorKind) string {
	switch k := k.(type) {
	case *kind.Type:
		return typeMessage(k.Want)
	case *kind.Enum:
		return "value is not one of the allowed values " + compactJSON(k.Want)
	case *kind.Const:
		return "value must be " + compactJSON(k.Want)
	case *kind.MinLength:
		return fmt.Sprintf("minimum string length is %d", k.Want)
	case *kind.MaxLength:
		return fmt.Sprintf("maximum string length is %d", k.Want)
	case *kind.Pattern:
		return fmt.Sprintf("string doesn't match the regular expression %q", k.Want)
	case *kind.Format:
		msg := fmt.Sprintf("string doesn't match the format %q", k.Want)
		if k.Err != nil {
			msg += " (" + k.Err.Error() + ")"
		}
		return msg
	case *kind.Minimum:
		return "number must be at least " + ratString(k.Want)
	case *kind.Maximum:
		return "number must be at most " + ratString(k.Want)
	case *kind.ExclusiveMinimum:
		return "number must be more than " + ratString(k.Want)
	case *kind.ExclusiveMaximum:
		return "number must be less than " + ratString(k.Want)
	case *kind.MultipleOf:
		return "number must be a multiple of " + ratString(k.Want)
	case *kind.MinItems:
		return fmt.Sprintf("minimum number of items is %d", k.Want)
	case *kind.MaxItems:
		return fmt.Sprintf("maximum number of items is %d", k.Want)
	case *kind.UniqueItems:
		return "duplicate items found"
	case *kind.MinProperties:
		return fmt.Sprintf("there must be at least %d properties", k.Want)
	case *kind.MaxProperties:
		return fmt.Sprintf("there must be at most %d properties", k.Want)
	case *kind.FalseSchema:
		return "the false schema accepts no value"
	case *kind.AnyOf:
		return `doesn't match any schema from "anyOf"`
	case *kind.OneOf:
		if len(k.Subschemas) > 1 {
			return `value matches more than one schema from "oneOf"`
		}
		return `value doesn't match any schema from "oneOf"`
	case *kind.Not:
		return `value matches the schema in "not"`
	}
	return ""
}

// typeMessage is kin-openapi 3.0's "value must be an integer".
func typeMessage(want []string) string {
	if len(want) != 1 {
		return "value must be one of " + strings.Join(want, ", ")
	}
	switch want[0] {
	case "array", "object", "integer":
		return "value must be an " + want[0]
	}
	return "value must be a " + want[0]
}

func compactJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

func ratString(r *big.Rat) string {
	if r == nil {
		return "?"
	}
	if r.IsInt() {
		return r.Num().String()
	}
	f, _ := r.Float64()
	return fmt.Sprintf("%g", f)
}
