package spec

import (
	"fmt"

	yaml4 "go.yaml.in/yaml/v4"
)

// duplicateKey reports the first object member of a JSON document that
// names a key its object already has, as the YAML decoder reports one in
// a YAML spec: encoding/json, which the slower paths of a JSON spec's load
// go through, keeps the last silently, and a spec with "paths" twice
// would lose every operation of the first. nil when data has none, or
// does not parse (its syntax error is reported where it is decoded).
// Called only when a load leaves its fast path, which refuses such a
// document: the walk costs nothing on the spec that loads.
func duplicateKey(path string, data []byte) error {
	root, err := jsonTree(data)
	if err != nil {
		return nil
	}
	stack := []*yaml4.Node{root}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if n.Kind == yaml4.MappingNode {
			seen := make(map[string]*yaml4.Node, len(n.Content)/2)
			for i := 0; i+1 < len(n.Content); i += 2 {
				k := n.Content[i]
				if first, ok := seen[k.Value]; ok {
					return &LoadError{File: path, Line: k.Line, Column: k.Column,
						Err: fmt.Errorf("mapping key %q already defined at line %d", k.Value, first.Line)}
				}
				seen[k.Value] = k
			}
		}
		for i := len(n.Content) - 1; i >= 0; i-- {
			stack = append(stack, n.Content[i])
		}
	}
	return nil
}
