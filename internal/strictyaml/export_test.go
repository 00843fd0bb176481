package strictyaml

import (
	"fmt"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"go.yaml.in/yaml/v3"
)

// FastMatchesYAML runs data through the fast path and through yaml.v3.
// took says the fast path accepted it; diff is how its tree differs from
// yaml.v3's (-yaml.v3 +fast), comments aside, or why accepting was wrong.
func FastMatchesYAML(data []byte) (took bool, diff string) {
	fast := parseFast(data)
	if fast == nil {
		return false, ""
	}
	var slow yaml.Node
	if err := yaml.Unmarshal(data, &slow); err != nil {
		return true, "the fast path accepted what yaml.v3 refuses: " + err.Error()
	}
	return true, nodeDiff(&slow, fast, "doc")
}

// nodeFields compares every field of a node but its children (walked by
// nodeDiff, which keeps the comparison linear: go-cmp's diff of nested
// slices is not) and the comments the fast path leaves out.
var nodeFields = cmpopts.IgnoreFields(yaml.Node{}, "Content", "HeadComment", "LineComment", "FootComment")

func nodeDiff(want, got *yaml.Node, at string) string {
	if d := cmp.Diff(want, got, nodeFields); d != "" {
		return fmt.Sprintf("%s:\n%s", at, d)
	}
	if len(want.Content) != len(got.Content) {
		return fmt.Sprintf("%s: %d children, want %d", at, len(got.Content), len(want.Content))
	}
	for i := range want.Content {
		if d := nodeDiff(want.Content[i], got.Content[i], fmt.Sprintf("%s[%d]", at, i)); d != "" {
			return d
		}
	}
	return ""
}
