package mockserver

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/casebook-dev/casebook/internal/suggest"
)

// WSFaults make a notification channel's WebSocket fail the ways that break
// real clients, so that reconnect logic can be proven before production.
// The same keys are written three ways: `casebook mock --ws-fault
// reset-after=1s,no-pong`, an overlay's notifications.faults mapping
// (`reset-after: 1s`), and a case's. Durations count from the moment the
// connection opens, on the server's Clock. The zero value injects nothing.
type WSFaults struct {
	// ResetAfter drops the TCP connection this long after it opens, with no
	// close frame (a reset, as a proxy or a crashed node does).
	ResetAfter Duration `yaml:"reset-after"`
	// CloseAfter closes the connection cleanly, with close code 1001, this
	// long after it opens.
	CloseAfter Duration `yaml:"close-after"`
	// NoHeartbeat sends no channel.metadata heartbeats.
	NoHeartbeat bool `yaml:"no-heartbeat"`
	// NoPong answers no {"message":"ping"}.
	NoPong bool `yaml:"no-pong"`
	// WarnThenClose sends the maintenance warning (topic
	// v2.system.socket_closing) this long after the connection opens, and
	// closes the connection as long again after the warning.
	WarnThenClose Duration `yaml:"warn-then-close"`
	// RefuseReconnect refuses new connections to a channel for this long
	// after the mock dropped or closed one of its connections (503
	// service.unavailable on the upgrade request).
	RefuseReconnect Duration `yaml:"refuse-reconnect"`
	Pos             Pos      `yaml:"-"`
}

// wsFaultKeys are the keys in the order String writes them.
var wsFaultKeys = []string{"reset-after", "close-after", "no-heartbeat", "no-pong", "warn-then-close", "refuse-reconnect"}

// wsFaultDurations are the keys that take a duration; the others are booleans.
var wsFaultDurations = []string{"reset-after", "close-after", "warn-then-close", "refuse-reconnect"}

// ParseWSFaults reads the flag form: KEY=VALUE pairs separated by commas,
// where a boolean key may stand alone ("no-pong" is "no-pong=true").
func ParseWSFaults(s string) (WSFaults, error) {
	var f WSFaults
	for item := range strings.SplitSeq(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		key, val, hasVal := strings.Cut(item, "=")
		if err := f.set(strings.TrimSpace(key), strings.TrimSpace(val), hasVal); err != nil {
			return WSFaults{}, err
		}
	}
	return f, nil
}

func (f *WSFaults) set(key, val string, hasVal bool) error {
	switch key {
	case "no-heartbeat", "no-pong":
		b := true
		if hasVal {
			var err error
			if b, err = strconv.ParseBool(val); err != nil {
				return fmt.Errorf("ws fault %s: want true or false, got %q", key, val)
			}
		}
		if key == "no-heartbeat" {
			f.NoHeartbeat = b
		} else {
			f.NoPong = b
		}
		return nil
	case "reset-after", "close-after", "warn-then-close", "refuse-reconnect":
		d, err := time.ParseDuration(val)
		if err != nil || d <= 0 {
			return fmt.Errorf("ws fault %s: want a positive duration such as 1s or 2m, got %q", key, val)
		}
		*f.duration(key) = Duration(d)
		return nil
	}
	msg := fmt.Sprintf("unknown ws fault %q", key)
	if s := suggest.Closest(key, wsFaultKeys); s != "" {
		return fmt.Errorf("%s (did you mean %q?)", msg, s)
	}
	return fmt.Errorf("%s (known: %s)", msg, strings.Join(wsFaultKeys, ", "))
}

func (f *WSFaults) duration(key string) *Duration {
	switch key {
	case "reset-after":
		return &f.ResetAfter
	case "close-after":
		return &f.CloseAfter
	case "warn-then-close":
		return &f.WarnThenClose
	case "refuse-reconnect":
		return &f.RefuseReconnect
	}
	return nil
}

// String is the flag form, keys in a fixed order ("" when there are none).
func (f WSFaults) String() string {
	var parts []string
	for _, k := range wsFaultKeys {
		switch k {
		case "no-heartbeat":
			if f.NoHeartbeat {
				parts = append(parts, k)
			}
		case "no-pong":
			if f.NoPong {
				parts = append(parts, k)
			}
		default:
			if d := *f.duration(k); d > 0 {
				parts = append(parts, k+"="+time.Duration(d).String())
			}
		}
	}
	return strings.Join(parts, ",")
}

// IsZero reports whether the faults inject nothing.
func (f WSFaults) IsZero() bool { return f.String() == "" }

// Over returns f with every fault that o sets taken from o: a case's faults
// over the server's, the flag's over the overlay's.
func (f WSFaults) Over(o WSFaults) WSFaults {
	for _, k := range wsFaultDurations {
		if d := *o.duration(k); d > 0 {
			*f.duration(k) = d
		}
	}
	f.NoHeartbeat = f.NoHeartbeat || o.NoHeartbeat
	f.NoPong = f.NoPong || o.NoPong
	return f
}
