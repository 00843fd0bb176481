package strictyaml

import (
	"encoding/json"
	"math"
	"strconv"

	"go.yaml.in/yaml/v3"
)

// Numbers says how JSONValue writes a YAML number.
type Numbers int

const (
	// Float64 writes every number as a float64, as encoding/json decodes
	// into an any (overlay records and rule values, compared as such).
	Float64 Numbers = iota
	// ExactIntegers keeps integers exact as json.Number, so ids above 2^53
	// survive, and floats as float64 (the values of case files).
	ExactIntegers
)

// maxJSONDepth bounds a value's nesting, so a hostile file cannot exhaust
// the stack.
const maxJSONDepth = 64

// JSONValue converts a YAML node to the value encoding/json would decode
// into an any: map[string]any, []any, string, a number (see Numbers), bool,
// nil. It is the one converter from YAML to JSON values: case files'
// bodies and values, and every any field Decode fills (overlays). What
// JSON cannot say (a key that is not a string, a duplicate key, Inf, NaN,
// binary, an integer beyond int64) is an *Error at the node that says it.
func JSONValue(file string, n *yaml.Node, numbers Numbers) (any, error) {
	return jsonValue(file, n, numbers, 0)
}

func jsonValue(file string, n *yaml.Node, numbers Numbers, depth int) (any, error) {
	if depth > maxJSONDepth {
		return nil, Errorf(file, n, "value nested more than %d levels deep", maxJSONDepth)
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return jsonValue(file, n.Content[0], numbers, depth)
	case yaml.AliasNode:
		if n.Alias == nil {
			return nil, Errorf(file, n, "alias to no anchor")
		}
		return jsonValue(file, n.Alias, numbers, depth)
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind != yaml.ScalarNode {
				return nil, Errorf(file, k, "a JSON object key must be a string")
			}
			if _, dup := m[k.Value]; dup {
				return nil, Errorf(file, k, "duplicate key %q", k.Value)
			}
			v, err := jsonValue(file, n.Content[i+1], numbers, depth+1)
			if err != nil {
				return nil, err
			}
			m[k.Value] = v
		}
		return m, nil
	case yaml.SequenceNode:
		s := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := jsonValue(file, c, numbers, depth+1)
			if err != nil {
				return nil, err
			}
			s = append(s, v)
		}
		return s, nil
	case yaml.ScalarNode:
		return jsonScalar(file, n, numbers)
	}
	return nil, Errorf(file, n, "unsupported YAML node")
}

func jsonScalar(file string, n *yaml.Node, numbers Numbers) (any, error) {
	switch n.Tag {
	case "!!null":
		return nil, nil
	case "!!bool":
		if b, ok := plainBool(n); ok {
			return b, nil
		}
		var b bool
		if err := n.Decode(&b); err != nil {
			return nil, Errorf(file, n, "%v", err)
		}
		return b, nil
	case "!!int":
		i, err := strconv.ParseInt(n.Value, 0, 64)
		if err != nil {
			return nil, Errorf(file, n, "integer %s out of range", n.Value)
		}
		if n.Style != 0 || !plainDecimal(n.Value, false) {
			// base 0 is not yaml.v3's resolution for every form (0777, 0b, _)
			if err := n.Decode(&i); err != nil {
				return nil, Errorf(file, n, "%v", err)
			}
		}
		if numbers == Float64 {
			return float64(i), nil
		}
		return json.Number(strconv.FormatInt(i, 10)), nil
	case "!!float":
		var f float64
		fast := n.Style == 0 && plainDecimal(n.Value, true)
		if fast {
			var err error
			f, err = strconv.ParseFloat(n.Value, 64)
			fast = err == nil // out of range: Decode says how
		}
		if !fast {
			if err := n.Decode(&f); err != nil {
				return nil, Errorf(file, n, "%v", err)
			}
		}
		if math.IsInf(f, 0) || math.IsNaN(f) {
			return nil, Errorf(file, n, "JSON has no Inf or NaN")
		}
		return f, nil
	case "!!binary":
		return nil, Errorf(file, n, "binary values cannot be sent as JSON")
	}
	return n.Value, nil
}

// The forms of booleans and numbers nearly every case writes are resolved
// here rather than by Node.Decode (a yaml.v3 decoder for each, a tenth of
// reading a case): a plain scalar (Style 0, so no explicit tag and no
// quotes) spelled as YAML 1.2's core schema spells it and as yaml.v3
// resolves it with strconv. Anything else goes to Decode: 0x, 0o, 0b,
// 0777, _, +, exponents, .inf, .nan, "1.", ".5", yes and on, tags.
// TestJSONScalarMatchesDecode and FuzzJSONScalar hold the two equal.

// plainBool is a plain true or false as yaml.v3 spells them; ok is false
// for anything else.
func plainBool(n *yaml.Node) (b, ok bool) {
	if n.Style != 0 {
		return false, false
	}
	switch n.Value {
	case "true", "True", "TRUE":
		return true, true
	case "false", "False", "FALSE":
		return false, true
	}
	return false, false
}

// plainDecimal reports whether s is -?(0|[1-9][0-9]*), followed when frac
// by \.[0-9]+ (and only then).
func plainDecimal(s string, frac bool) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	digits := func() int {
		start := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return i - start
	}
	start := i
	if n := digits(); n == 0 || n > 1 && s[start] == '0' {
		return false
	}
	if !frac {
		return i == len(s)
	}
	if i == len(s) || s[i] != '.' {
		return false
	}
	i++
	return digits() > 0 && i == len(s)
}
