// Package wsfault describes the faults a notification channel's WebSocket
// can be given (a reset, a clean close, no heartbeat, no pong, the
// maintenance warning, refused reconnections), in the one form the mock's
// command line, its overlay, the per-channel request header and case files
// share. The mock injects them (mockserver); this package only reads and
// checks them, so a case file can name them without depending on the mock.
package wsfault

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/casebook-dev/casebook/internal/strictyaml"
	"github.com/casebook-dev/casebook/internal/suggest"
)

// Faults make a notification channel's WebSocket fail the ways that break
// real clients, so that reconnect logic can be proven before production.
// The same keys are written two ways: KEY=VALUE pairs (`casebook mock
// --ws-fault reset-after=1s,no-pong`, the Casebook-Ws-Fault header) and a
// YAML mapping (`reset-after: 1s` in an overlay's notifications.faults or
// a case's channel.faults). Durations count from the moment the connection
// opens, on the mock's clock. The zero value injects nothing.
type Faults struct {
	// ResetAfter drops the TCP connection this long after it opens, with no
	// close frame (a reset, as a proxy or a crashed node does).
	ResetAfter strictyaml.Duration `yaml:"reset-after"`
	// CloseAfter closes the connection cleanly, with close code 1001, this
	// long after it opens.
	CloseAfter strictyaml.Duration `yaml:"close-after"`
	// NoHeartbeat sends no channel.metadata heartbeats.
	NoHeartbeat bool `yaml:"no-heartbeat"`
	// NoPong answers no {"message":"ping"}.
	NoPong bool `yaml:"no-pong"`
	// WarnThenClose sends the maintenance warning (topic
	// v2.system.socket_closing) this long after the connection opens, and
	// closes the connection as long again after the warning.
	WarnThenClose strictyaml.Duration `yaml:"warn-then-close"`
	// RefuseReconnect refuses new connections to a channel for this long
	// after the mock dropped or closed one of its connections (503
	// service.unavailable on the upgrade request).
	RefuseReconnect strictyaml.Duration `yaml:"refuse-reconnect"`
}

// Keys are the fault keys, in the order String writes them.
var Keys = []string{"reset-after", "close-after", "no-heartbeat", "no-pong", "warn-then-close", "refuse-reconnect"}

// durationKeys are the keys that take a duration; the others are booleans.
var durationKeys = []string{"reset-after", "close-after", "warn-then-close", "refuse-reconnect"}

// Parse reads the flag form: KEY=VALUE pairs separated by commas,
// where a boolean key may stand alone ("no-pong" is "no-pong=true").
func Parse(s string) (Faults, error) {
	var f Faults
	for item := range strings.SplitSeq(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		key, val, hasVal := strings.Cut(item, "=")
		if err := f.set(strings.TrimSpace(key), strings.TrimSpace(val), hasVal); err != nil {
			return Faults{}, err
		}
	}
	return f, nil
}

func (f *Faults) set(key, val string, hasVal bool) error {
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
		*f.duration(key) = strictyaml.Duration(d)
		return nil
	}
	msg := fmt.Sprintf("unknown ws fault %q", key)
	if s := suggest.Closest(key, Keys); s != "" {
		return fmt.Errorf("%s (did you mean %q?)", msg, s)
	}
	return fmt.Errorf("%s (known: %s)", msg, strings.Join(Keys, ", "))
}

func (f *Faults) duration(key string) *strictyaml.Duration {
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
func (f Faults) String() string {
	var parts []string
	for _, k := range Keys {
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
func (f Faults) IsZero() bool { return f.String() == "" }

// Over returns f with every fault that o sets taken from o: a case's faults
// over the server's, the flag's over the overlay's.
func (f Faults) Over(o Faults) Faults {
	for _, k := range durationKeys {
		if d := *o.duration(k); d > 0 {
			*f.duration(k) = d
		}
	}
	f.NoHeartbeat = f.NoHeartbeat || o.NoHeartbeat
	f.NoPong = f.NoPong || o.NoPong
	return f
}
