package generate

import (
	"encoding/json"
	"fmt"
	"reflect"
)

// jsonEqual compares two JSON values, numbers by value whatever their Go
// type (int64 from the generator, json.Number from a decoder).
func jsonEqual(a, b any) bool {
	return reflect.DeepEqual(normalise(a), normalise(b))
}

func normalise(v any) any {
	switch x := v.(type) {
	case int64:
		return float64(x)
	case int:
		return float64(x)
	case json.Number:
		f, err := x.Float64()
		if err != nil {
			return x.String()
		}
		return f
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, sub := range x {
			out[k] = normalise(sub)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, sub := range x {
			out[i] = normalise(sub)
		}
		return out
	}
	return v
}

// scalarText is how a primitive travels in a query, a header or a form.
func scalarText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case nil:
		return ""
	case float64:
		return fmt.Sprint(x)
	}
	return fmt.Sprint(v)
}
