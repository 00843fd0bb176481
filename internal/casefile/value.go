package casefile

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/casebook-dev/casebook/internal/jsonptr"
	"github.com/casebook-dev/casebook/internal/strictyaml"
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

// DecodeNode implements strictyaml.NodeDecoder: "/json/pointer" or
// "header:Name".
func (c *Capture) DecodeNode(file string, n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return fmt.Errorf("want a JSON pointer such as /id or header:Name, got %s", strictyaml.KindName(n))
	}
	if name, ok := strings.CutPrefix(n.Value, "header:"); ok {
		name = strings.TrimSpace(name)
		if name == "" || strings.ContainsAny(name, " :") {
			return fmt.Errorf("%q: want header:Name, e.g. header:Location", n.Value)
		}
		c.Header = name
		return nil
	}
	if n.Value == "" || !jsonptr.Valid(n.Value) {
		return fmt.Errorf("%q is neither a JSON pointer (/id, /entities/0/id) nor header:Name", n.Value)
	}
	c.Pointer = n.Value
	return nil
}

// Read finds the captured value in an answer's headers or decoded JSON
// body; found is false when it is absent or null.
func (c Capture) Read(header http.Header, body any) (v any, found bool) {
	if c.Header != "" {
		v := header.Get(c.Header)
		return v, v != ""
	}
	v, found = jsonptr.Get(body, c.Pointer)
	return v, found && v != nil
}

// String is the capture as written.
func (c Capture) String() string {
	if c.Header != "" {
		return "header:" + c.Header
	}
	return c.Pointer
}
