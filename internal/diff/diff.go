// Package diff compares what a case expects with what the server answered
// and returns typed differences (part, JSON pointer, want, got). Rendering
// them as text is the reporters' job; the JSON report carries them as they are.
package diff

import (
	"encoding/json"
	"fmt"
	"maps"
	"math/big"
	"slices"

	"github.com/casebook-dev/casebook/internal/jsonptr"
	"github.com/casebook-dev/casebook/internal/jsonvalue"
)

// Part is what a difference is about.
type Part string

const (
	Status Part = "status"
	Header Part = "header"
	Body   Part = "body"
	Lint   Part = "lint"
	// Conformance is where the answer breaks the contract: the operation's
	// declared responses (see lint.CheckResponse), whatever the case expects.
	Conformance Part = "conformance"
	// Event: an expected notification that did not come (or, expected
	// absent, came); its pointer is the topic name.
	Event Part = "event"
	// Capture: a step of a multi-step case found no value to capture.
	Capture Part = "capture"
)

// Difference is one way the answer differs from the expectation. Want or Got
// is nil when the value is missing on that side (then Missing or Extra says so).
type Difference struct {
	// Step names the step of a multi-step case the difference is in ("" for a one-request case).
	Step string `json:"step,omitempty"`
	Part Part   `json:"part"`
	// Pointer locates the difference: a JSON pointer in the body, a header
	// name, or the expected finding's pointer.
	Pointer string `json:"pointer"`
	Want    any    `json:"want,omitempty"`
	Got     any    `json:"got,omitempty"`
	// Missing: the expected value is absent from the answer.
	Missing bool `json:"missing,omitempty"`
	// Extra: the answer has a value the expectation does not allow (exact mode).
	Extra bool `json:"extra,omitempty"`
}

// String is one line: "body /code: want "not.found", got "bad.request"".
func (d Difference) String() string {
	where := d.Where()
	switch {
	case d.Missing:
		return fmt.Sprintf("%s: want %s, got nothing", where, Show(d.Want))
	case d.Extra:
		return fmt.Sprintf("%s: unexpected %s", where, Show(d.Got))
	}
	return fmt.Sprintf("%s: want %s, got %s", where, Show(d.Want), Show(d.Got))
}

// Where names what the difference is about: "body /code", "step read: status".
func (d Difference) Where() string {
	where := string(d.Part)
	if d.Pointer != "" {
		where += " " + d.Pointer
	}
	if d.Step != "" {
		where = "step " + d.Step + ": " + where
	}
	return where
}

// Show renders a value compactly as JSON, without HTML escaping (a "<"
// in a message stays "<"): what a json.Encoder with SetEscapeHTML(false)
// writes, through jsonvalue.Append, without its reflection (every
// difference of every report is shown; FuzzShow holds the two together).
func Show(v any) string {
	b, err := jsonvalue.Append(nil, v)
	if err != nil {
		return fmt.Sprint(v)
	}
	if len(b) > 200 {
		return string(b[:197]) + "..."
	}
	return string(b)
}

// Options choose how bodies are compared.
type Options struct {
	// Exact makes fields (and array elements) the answer has beyond the
	// expectation a difference. By default the expectation is a subset.
	Exact bool
	// Ignore lists pointers left out of the comparison, on both sides.
	Ignore []string
}

// Bodies compares an expected JSON value with the actual one, both as
// encoding/json decodes them (numbers as json.Number or float64 alike).
func Bodies(want, got any, opts Options) []Difference {
	c := &comparer{opts: opts, ignore: map[string]bool{}}
	for _, p := range opts.Ignore {
		c.ignore[p] = true
	}
	c.compare("", want, got)
	return c.diffs
}

type comparer struct {
	opts   Options
	ignore map[string]bool
	diffs  []Difference
}

func (c *comparer) add(d Difference) {
	d.Part = Body
	c.diffs = append(c.diffs, d)
}

func (c *comparer) compare(ptr string, want, got any) {
	if c.ignore[ptr] {
		return
	}
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			c.add(Difference{Pointer: ptr, Want: want, Got: got})
			return
		}
		c.objects(ptr, w, g)
	case []any:
		g, ok := got.([]any)
		if !ok {
			c.add(Difference{Pointer: ptr, Want: want, Got: got})
			return
		}
		c.arrays(ptr, w, g)
	default:
		if !scalarEqual(want, got) {
			c.add(Difference{Pointer: ptr, Want: want, Got: got})
		}
	}
}

func (c *comparer) objects(ptr string, want, got map[string]any) {
	for _, k := range slices.Sorted(maps.Keys(want)) {
		p := ptr + jsonptr.Join(k)
		g, ok := got[k]
		if !ok {
			if !c.ignore[p] {
				c.add(Difference{Pointer: p, Want: want[k], Missing: true})
			}
			continue
		}
		c.compare(p, want[k], g)
	}
	if !c.opts.Exact {
		return
	}
	for _, k := range slices.Sorted(maps.Keys(got)) {
		p := ptr + jsonptr.Join(k)
		if _, ok := want[k]; !ok && !c.ignore[p] {
			c.add(Difference{Pointer: p, Got: got[k], Extra: true})
		}
	}
}

// arrays compare element by element: a subset expectation may be shorter
// than the answer (its elements are a prefix), an exact one may not.
func (c *comparer) arrays(ptr string, want, got []any) {
	for i, w := range want {
		p := fmt.Sprintf("%s/%d", ptr, i)
		if i >= len(got) {
			if !c.ignore[p] {
				c.add(Difference{Pointer: p, Want: w, Missing: true})
			}
			continue
		}
		c.compare(p, w, got[i])
	}
	if c.opts.Exact {
		for i := len(want); i < len(got); i++ {
			p := fmt.Sprintf("%s/%d", ptr, i)
			if !c.ignore[p] {
				c.add(Difference{Pointer: p, Got: got[i], Extra: true})
			}
		}
	}
}

// scalarEqual compares numbers by value (1, 1.0 and json.Number("1") are
// equal; ids above 2^53 compare exactly) and everything else by ==.
func scalarEqual(a, b any) bool {
	an, aok := number(a)
	bn, bok := number(b)
	if aok || bok {
		return aok && bok && an.Cmp(bn) == 0
	}
	return a == b
}

func number(v any) (*big.Rat, bool) {
	var s string
	switch n := v.(type) {
	case json.Number:
		s = n.String()
	case float64:
		r := new(big.Rat)
		if r.SetFloat64(n) == nil {
			return nil, false
		}
		return r, true
	case int:
		return new(big.Rat).SetInt64(int64(n)), true
	case int64:
		return new(big.Rat).SetInt64(n), true
	default:
		return nil, false
	}
	r, ok := new(big.Rat).SetString(s)
	return r, ok
}
