package wsfault

import (
	"strings"
	"testing"
	"time"

	"github.com/casebook-dev/casebook/internal/strictyaml"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in, want, err string
	}{
		{in: "reset-after=1s", want: "reset-after=1s"},
		{in: " no-pong , close-after=2m,no-heartbeat=true", want: "close-after=2m0s,no-heartbeat,no-pong"},
		{in: "warn-then-close=30s,refuse-reconnect=5s,no-pong=false", want: "warn-then-close=30s,refuse-reconnect=5s"},
		{in: "", want: ""},
		{in: "reset-after=soon", err: `ws fault reset-after: want a positive duration such as 1s or 2m, got "soon"`},
		{in: "reset-after=-1s", err: "want a positive duration"},
		{in: "no-pong=maybe", err: `ws fault no-pong: want true or false, got "maybe"`},
		{in: "close-aftr=1s", err: `unknown ws fault "close-aftr" (did you mean "close-after"?)`},
		{in: "explode", err: "unknown ws fault \"explode\" (known: reset-after, close-after, no-heartbeat, no-pong, warn-then-close, refuse-reconnect)"},
	}
	for _, tt := range tests {
		f, err := Parse(tt.in)
		switch {
		case tt.err != "":
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("Parse(%q) error = %v, want %q", tt.in, err, tt.err)
			}
		case err != nil:
			t.Errorf("Parse(%q): %v", tt.in, err)
		case f.String() != tt.want:
			t.Errorf("Parse(%q).String() = %q, want %q", tt.in, f.String(), tt.want)
		}
	}
	over := Faults{ResetAfter: strictyaml.Duration(time.Second), NoPong: true}.Over(Faults{ResetAfter: strictyaml.Duration(time.Minute), NoHeartbeat: true})
	if got := over.String(); got != "reset-after=1m0s,no-heartbeat,no-pong" {
		t.Errorf("Over = %q, want the case's reset-after and both booleans", got)
	}
}
