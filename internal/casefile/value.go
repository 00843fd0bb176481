package casefile

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"go.yaml.in/yaml/v3"
)

// Value is a JSON value written as YAML, kept with its position so that an
// error about /recipient/address can point at the line that wrote it.
type Value struct {
	// V is the value as encoding/json would decode it: map[string]any,
	// []any, string, float64 or json.Number, bool, nil.
	V    any
	Node *yaml.Node
}

// DecodeNode implements strictyaml.NodeDecoder.
func (v *Value) DecodeNode(file string, n *yaml.Node) error {
	val, err := toJSONValue(n, file)
	if err != nil {
		return err
	}
	v.V, v.Node = val, n
	return nil
}

// JSON encodes the value.
func (v *Value) JSON() ([]byte, error) { return json.Marshal(v.V) }

// toJSONValue converts a YAML node to JSON-compatible data. Integers stay
// exact (json.Number) so ids above 2^53 survive.
func toJSONValue(n *yaml.Node, file string) (any, error) {
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return toJSONValue(n.Content[0], file)
	case yaml.AliasNode:
		return toJSONValue(n.Alias, file)
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind != yaml.ScalarNode {
				return nil, posErr(file, k, "a JSON object key must be a string")
			}
			if _, dup := m[k.Value]; dup {
				return nil, posErr(file, k, fmt.Sprintf("duplicate key %q", k.Value))
			}
			v, err := toJSONValue(n.Content[i+1], file)
			if err != nil {
				return nil, err
			}
			m[k.Value] = v
		}
		return m, nil
	case yaml.SequenceNode:
		s := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := toJSONValue(c, file)
			if err != nil {
				return nil, err
			}
			s = append(s, v)
		}
		return s, nil
	case yaml.ScalarNode:
		return scalar(n, file)
	}
	return nil, posErr(file, n, "unsupported YAML node")
}

func scalar(n *yaml.Node, file string) (any, error) {
	switch n.Tag {
	case "!!null":
		return nil, nil
	case "!!bool":
		var b bool
		if err := n.Decode(&b); err != nil {
			return nil, posErr(file, n, err.Error())
		}
		return b, nil
	case "!!int":
		if _, err := strconv.ParseInt(n.Value, 0, 64); err != nil {
			return nil, posErr(file, n, fmt.Sprintf("integer %s out of range", n.Value))
		}
		var i int64
		if err := n.Decode(&i); err != nil {
			return nil, posErr(file, n, err.Error())
		}
		return json.Number(strconv.FormatInt(i, 10)), nil
	case "!!float":
		var f float64
		if err := n.Decode(&f); err != nil {
			return nil, posErr(file, n, err.Error())
		}
		if math.IsInf(f, 0) || math.IsNaN(f) {
			return nil, posErr(file, n, "JSON has no Inf or NaN")
		}
		return f, nil
	case "!!binary":
		return nil, posErr(file, n, "binary values cannot be sent as JSON")
	}
	return n.Value, nil
}
