package casefile

import (
	"encoding/json"
	"fmt"
	"net/http"
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
	V any
	// Pos is where the value starts. Only the position is kept, not the
	// yaml.Node: a node holds its whole subtree (values, comments, lines),
	// several times V's size, and a run holds every case until it reports.
	Pos Pos
}

// DecodeNode implements strictyaml.NodeDecoder.
func (v *Value) DecodeNode(file string, n *yaml.Node) error {
	val, err := strictyaml.JSONValue(file, n, strictyaml.ExactIntegers)
	if err != nil {
		return err
	}
	v.V, v.Pos = val, strictyaml.NodePos(file, n)
	return nil
}

// JSON encodes the value.
func (v *Value) JSON() ([]byte, error) { return json.Marshal(v.V) }

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
