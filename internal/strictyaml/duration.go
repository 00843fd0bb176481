package strictyaml

import (
	"fmt"
	"time"

	"go.yaml.in/yaml/v3"
)

// Duration is a time.Duration written as "1h" or "90s" in YAML: the mock's
// overlay (token lifetime, notification heartbeat, faults) and case files
// (how long an event may take) share it.
type Duration time.Duration

// DecodeNode implements NodeDecoder: a positive duration.
func (d *Duration) DecodeNode(file string, n *yaml.Node) error {
	dur, err := time.ParseDuration(n.Value)
	if n.Kind != yaml.ScalarNode || err != nil || dur <= 0 {
		return fmt.Errorf("want a positive duration such as 1h or 90s, got %s", KindName(n))
	}
	*d = Duration(dur)
	return nil
}
