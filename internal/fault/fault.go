// Package fault describes a fault the mock injects (429 with Retry-After,
// 503, a slow answer, a reset connection), in the one syntax the command
// line, the overlay and case files share:
//
//	casebook mock --fault 'POST /api/v2/conversations/calls=status=429,retry-after=2,rate=0.5'
//
// and in YAML either that string or a mapping of the same keys:
//
//	faults:
//	  - {method: POST, path: /api/v2/conversations/calls, status: 429, retryAfter: 2, rate: 0.5}
//
// The mock matches and injects faults (mockserver.Faults); this package
// only reads and checks them, so that a case file can name faults without
// depending on the mock.
package fault

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/casebook-dev/casebook/internal/strictyaml"
	"github.com/casebook-dev/casebook/internal/suggest"
)

// Fault is one way to misbehave, and which requests get it.
type Fault struct {
	// Method ("" any) and Path ("" any) select requests. A path ending in
	// "/" selects every path it starts; any other path selects itself, a
	// {name} segment standing for any one segment.
	Method string
	Path   string
	// Times is how many matching requests get the fault (0: all of them).
	Times int
	// Rate is the share of matching requests that get it, spread evenly
	// (0.25: every fourth); 0 means all of them, as 1 does.
	Rate float64

	// Delay holds the answer back this long (a slow answer), then the
	// request is answered as usual, or with Status, or dropped. A client
	// that gives up first finds the wait cut short.
	Delay time.Duration
	// Status answers with this error status (429, 502, 503, 504) in the
	// spec's error envelope instead of the real answer.
	Status int
	// Code is the envelope's error code (default: the code the spec lists
	// for Status, else casebook's own, e.g. too.many.requests).
	Code string
	// RetryAfter is sent as the Retry-After header: delay-seconds ("2") or
	// an HTTP-date.
	RetryAfter string
	// Drop closes the connection without an answer, as a crashed or
	// overloaded server does; Reset does so with a TCP reset (RST), as a
	// load balancer giving up does.
	Drop  bool
	Reset bool
}

// Keys are the keys a fault takes, as the command line spells them.
var Keys = []string{"status", "retry-after", "rate", "delay", "reset", "drop", "times", "code", "method", "path"}

// Parse reads the command line's form: an optional "METHOD /path" selector,
// "=", then KEY=VALUE pairs separated by commas. Without a selector every
// request may get the fault:
//
//	POST /api/v2/conversations/calls=status=429,retry-after=2
//	GET /api/v2/outbound/campaigns/{campaignId}=delay=2s,times=1
//	status=503,rate=0.1
func Parse(s string) (Fault, error) {
	var f Fault
	rest := strings.TrimSpace(s)
	if sel, kv, ok := cutSelector(rest); ok {
		method, path, hasPath := strings.Cut(sel, " ")
		if !hasPath && strings.HasPrefix(method, "/") {
			method, path = "", method
		}
		f.Method, f.Path = strings.ToUpper(strings.TrimSpace(method)), strings.TrimSpace(path)
		rest = kv
	}
	if rest == "" {
		return f, fmt.Errorf("fault %q: no KEY=VALUE (keys: %s)", s, strings.Join(Keys, ", "))
	}
	for _, pair := range strings.Split(rest, ",") {
		key, value, ok := strings.Cut(strings.TrimSpace(pair), "=")
		if !ok && key != "reset" && key != "drop" {
			return f, fmt.Errorf("fault %q: %q is not KEY=VALUE", s, pair)
		}
		if err := f.set(strings.TrimSpace(key), strings.TrimSpace(value)); err != nil {
			return f, fmt.Errorf("fault %q: %w", s, err)
		}
	}
	if err := f.Check(); err != nil {
		return f, fmt.Errorf("fault %q: %w", s, err)
	}
	return f, nil
}

// cutSelector splits "POST /path=status=429" at the "=" after the
// selector; ok is false when the text starts with a key instead.
func cutSelector(s string) (sel, rest string, ok bool) {
	head, tail, found := strings.Cut(s, "=")
	head = strings.TrimSpace(head)
	if !found || !(strings.Contains(head, "/") || strings.Contains(head, " ") || slices.Contains(methods, strings.ToUpper(head))) {
		return "", s, false
	}
	return head, tail, true
}

// set applies one key; the YAML spelling (retryAfter) is accepted too.
func (f *Fault) set(key, value string) error {
	var err error
	switch key {
	case "method":
		f.Method = strings.ToUpper(value)
	case "path":
		f.Path = value
	case "status":
		f.Status, err = strconv.Atoi(value)
	case "code":
		f.Code = value
	case "retry-after", "retryAfter":
		f.RetryAfter = value
	case "rate":
		f.Rate, err = strconv.ParseFloat(value, 64)
	case "delay":
		f.Delay, err = time.ParseDuration(value)
	case "times":
		f.Times, err = strconv.Atoi(value)
	case "reset", "drop":
		b := value == "" // "reset" alone means reset=true
		if !b {
			b, err = strconv.ParseBool(value)
		}
		if key == "reset" {
			f.Reset = b
		} else {
			f.Drop = b
		}
	default:
		msg := fmt.Sprintf("unknown key %q (keys: %s)", key, strings.Join(Keys, ", "))
		if s := suggest.Closest(key, append(Keys, "retryAfter")); s != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", s)
		}
		return errors.New(msg)
	}
	if err != nil {
		return fmt.Errorf("%s=%s: want %s", key, value, want[key])
	}
	return nil
}

var want = map[string]string{
	"status": "an HTTP status such as 429", "rate": "a share between 0 and 1 such as 0.5",
	"delay": "a duration such as 500ms or 2s", "times": "a count such as 2",
	"reset": "true or false", "drop": "true or false",
}

// Check reports a fault that cannot be injected as written.
func (f *Fault) Check() error {
	switch {
	case f.Status != 0 && (f.Status < 400 || f.Status > 599):
		return fmt.Errorf("status=%d: want an error status (400-599)", f.Status)
	case f.Rate < 0 || f.Rate > 1:
		return fmt.Errorf("rate=%g: want a share between 0 and 1", f.Rate)
	case f.Delay < 0:
		return fmt.Errorf("delay=%s: want a duration of 0 or more", f.Delay)
	case f.Times < 0:
		return fmt.Errorf("times=%d: want 0 (every time) or more", f.Times)
	case f.Path != "" && !strings.HasPrefix(f.Path, "/"):
		return fmt.Errorf("path %q: want a path starting with /", f.Path)
	case f.Method != "" && !slices.Contains(methods, f.Method):
		return fmt.Errorf("method %q: want one of %s", f.Method, strings.Join(methods, ", "))
	case f.Drop && f.Reset:
		return errors.New("drop and reset: choose one way to close the connection")
	case f.Status == 0 && f.Delay == 0 && !f.Drop && !f.Reset:
		return errors.New("nothing to inject: give status, delay, drop or reset")
	}
	if f.RetryAfter != "" {
		if _, err := strconv.Atoi(f.RetryAfter); err != nil {
			if _, err := http.ParseTime(f.RetryAfter); err != nil {
				return fmt.Errorf("retry-after=%s: want seconds such as 2, or an HTTP-date", f.RetryAfter)
			}
		}
	}
	return nil
}

var methods = []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"}

// DecodeNode implements strictyaml.NodeDecoder: a fault in YAML is a
// mapping of the keys (retryAfter or retry-after), or a string in Parse's
// form. Errors name the key's line and column.
func (f *Fault) DecodeNode(file string, n *yaml.Node) error {
	switch n.Kind {
	case yaml.ScalarNode:
		parsed, err := Parse(n.Value)
		if err != nil {
			return err
		}
		*f = parsed
		return nil
	case yaml.MappingNode:
	default:
		return fmt.Errorf("want a fault (a mapping such as {status: 429, retryAfter: 2}, or \"METHOD /path=status=429\"), got %s", strictyaml.KindName(n))
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if v.Kind != yaml.ScalarNode {
			return &strictyaml.Error{Pos: strictyaml.NodePos(file, v), Field: k.Value, Msg: "want a value, got " + strictyaml.KindName(v)}
		}
		if err := f.set(k.Value, v.Value); err != nil {
			return &strictyaml.Error{Pos: strictyaml.NodePos(file, k), Msg: err.Error()}
		}
	}
	if err := f.Check(); err != nil {
		return &strictyaml.Error{Pos: strictyaml.NodePos(file, n), Msg: err.Error()}
	}
	return nil
}

// String writes the fault in Parse's form.
func (f Fault) String() string {
	var kv []string
	add := func(k, v string) { kv = append(kv, k+"="+v) }
	if f.Status != 0 {
		add("status", strconv.Itoa(f.Status))
	}
	if f.Code != "" {
		add("code", f.Code)
	}
	if f.RetryAfter != "" {
		add("retry-after", f.RetryAfter)
	}
	if f.Rate != 0 {
		add("rate", strconv.FormatFloat(f.Rate, 'g', -1, 64))
	}
	if f.Delay != 0 {
		add("delay", f.Delay.String())
	}
	if f.Reset {
		add("reset", "true")
	}
	if f.Drop {
		add("drop", "true")
	}
	if f.Times != 0 {
		add("times", strconv.Itoa(f.Times))
	}
	sel := strings.TrimSpace(f.Method + " " + f.Path)
	if sel == "" {
		return strings.Join(kv, ",")
	}
	return sel + "=" + strings.Join(kv, ",")
}
