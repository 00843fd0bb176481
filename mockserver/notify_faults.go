package mockserver

import "github.com/casebook-dev/casebook/internal/wsfault"

// WSFaults make a notification channel's WebSocket fail the ways that break
// real clients: reset-after, close-after, no-heartbeat, no-pong,
// warn-then-close, refuse-reconnect (see wsfault.Faults and
// docs/notifications.md). A channel's faults are its Casebook-Ws-Fault
// header's over Config.Notify.Faults over the overlay's.
type WSFaults = wsfault.Faults

// ParseWSFaults reads the KEY=VALUE,... form of --ws-fault and the header.
func ParseWSFaults(s string) (WSFaults, error) { return wsfault.Parse(s) }
