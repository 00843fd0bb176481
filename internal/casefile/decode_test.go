package casefile

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/casebook-dev/casebook/internal/strictyaml"
)

const good = `name: correct-call
pitfall: none
tags: [recipient]
auth: pc-dialer
request:
  method: POST
  path: /api/v2/outbound/campaigns/{campaignId}/calls
  pathParams: {campaignId: 1234}
  query: {a: x, b: [y, z]}
  body:
    recipient: {type: phone, address: "+15550199"}
    big: 9007199254740993
expect:
  status: 202
  lint:
    - {pointer: /recipient/address, rule: required}
  ignore: [/id]
`

func TestDecodeGood(t *testing.T) {
	cases, err := Decode("good.yaml", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	c := cases[0]
	if c.Request.PathParams["campaignId"] != "1234" {
		t.Errorf("pathParams.campaignId = %q, want a string 1234", c.Request.PathParams["campaignId"])
	}
	if got := c.Request.Query["b"]; len(got) != 2 || c.Request.Query["a"][0] != "x" {
		t.Errorf("query = %v, want a: [x], b: [y z]", c.Request.Query)
	}
	body, _ := c.Request.Body.JSON()
	if !strings.Contains(string(body), `"big":9007199254740993`) {
		t.Errorf("body JSON = %s, want the big integer exact", body)
	}
	if p := c.FieldPos("request.body"); p.Line != 11 {
		t.Errorf("FieldPos(request.body) = %v, want line 11", p)
	}
}

func TestDecodeChannelAndEvents(t *testing.T) {
	src := `name: call-event
auth: agent
channel:
  topics:
    - v2.users.${USER}.conversations.calls
  faults: {no-pong: true, reset-after: 2s}
request: {method: POST, path: /api/v2/conversations/calls, body: {phoneNumber: "+13175550123"}}
expect:
  events:
    - topicName: v2.users.${USER}.conversations.calls
      within: 1500ms
      body: {participants: [{purpose: agent}]}
    - {topicName: v2.users.other.conversations.calls, absent: true}
`
	cases, err := Decode("good.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	c := cases[0]
	if c.Channel == nil || len(c.Channel.Topics) != 1 || c.Channel.Faults.String() != "reset-after=2s,no-pong" {
		t.Fatalf("channel = %+v", c.Channel)
	}
	ev := c.Expect.Events
	if len(ev) != 2 || time.Duration(ev[0].Within) != 1500*time.Millisecond || ev[0].Body == nil || !ev[1].Absent || ev[1].Within != 0 {
		t.Errorf("events = %+v", ev)
	}
}

func TestDecodeList(t *testing.T) {
	src := "- name: a\n  request: {method: GET, path: /a}\n- name: b\n  request: {method: GET, path: /b}\n"
	cases, err := Decode("list.yaml", []byte(src))
	if err != nil || len(cases) != 2 || cases[1].Name != "b" || cases[1].Pos.Line != 3 {
		t.Fatalf("Decode(list) = %v, %v; want two cases, the second at line 3", cases, err)
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string // each a substring of one error, in order
	}{
		{"broken yaml", "name: [a\nrequest: x", []string{"bad.yaml:"}},
		{"empty", "", []string{"bad.yaml:1:1: empty case file"}},
		{"scalar document", "hello", []string{"bad.yaml:1:1: want a case"}},
		{"missing request", "name: x\n", []string{`bad.yaml:1:1: case "x": missing request`}},
		{"misspelt top-level key", "name: x\nreqest: {method: GET, path: /}\n", []string{
			`bad.yaml:2:1: case "x": unknown key "reqest" (did you mean "request"?)`,
		}},
		{"misspelt nested key", "request: {method: GET, path: /, heders: {}}\n", []string{
			`bad.yaml:1:33: case "bad": request: unknown key "heders" (did you mean "headers"?)`,
		}},
		{"wrong type", "request: {method: GET, path: /}\nexpect: {status: ok}\n", []string{
			`bad.yaml:2:18: case "bad": expect.status: want an integer, got string "ok"`,
		}},
		{"list where mapping wanted", "request: [GET]\n", []string{`bad.yaml:1:10: case "bad": request: want a mapping, got a list`}},
		{"lower-case method", "request: {method: post, path: /}\n", []string{`request.method: unknown method "post" (did you mean "POST"?)`}},
		{"path parameter without value", "request: {method: GET, path: \"/a/{id}\"}\n", []string{"path parameter {id} has no value"}},
		{"bad pointer", "request: {method: GET, path: /}\nexpect: {ignore: [id]}\n", []string{`expect.ignore[0]: "id" is not a JSON pointer`}},
		{"bad bodyMatch", "request: {method: GET, path: /}\nexpect: {bodyMatch: exakt}\n", []string{`(did you mean "exact"?)`}},
		{"bad conformance", "request: {method: GET, path: /}\nexpect: {conformance: warning}\n", []string{`bad.yaml:2:23: case "bad": expect.conformance: conformance "warning" is neither "fail" nor "warn" (did you mean "warn"?)`}},
		{"duplicate body key", "request: {method: POST, path: /, body: {a: 1, a: 2}}\n", []string{`duplicate key "a"`}},
		{"body and form", "request: {method: POST, path: /, body: {}, form: {a: b}}\n", []string{"body or form fields, not both"}},
		{"rawBody and body", "request: {method: POST, path: /, body: {}, rawBody: x}\n", []string{"request.rawBody: a request has one of body, form and rawBody"}},
		{"two errors reported", "nme: x\nrequest: {method: GET, path: /}\nexpect: {status: ok}\n", []string{`unknown key "nme"`, "want an integer"}},
		{"status out of range", "request: {method: GET, path: /}\nexpect: {status: 9999}\n", []string{"9999 is not an HTTP status"}},
		{"unknown verification", "verification: maybe\nrequest: {method: GET, path: /}\n", []string{`"maybe" is not a verification level`}},
		{"claim id not kebab-case", "claims: [Outbound_Calls]\nrequest: {method: GET, path: /}\n", []string{`bad.yaml:1:10: case "bad": claims[0]: "Outbound_Calls" is not a claim id`}},
		{"claim listed twice", "claims: [a-b, a-b]\nrequest: {method: GET, path: /}\n", []string{`claims[1]: claim "a-b" is listed twice`}},
		{"infinite float", "request: {method: POST, path: /, body: {a: .inf}}\n", []string{"JSON has no Inf or NaN"}},
		{"events without a channel", "request: {method: GET, path: /}\nexpect: {events: [{topicName: t}]}\n", []string{
			`bad.yaml:2:18: case "bad": expect.events: events arrive on a notification channel`,
		}},
		{"channel without events", "channel: {topics: [t]}\nrequest: {method: GET, path: /}\n", []string{"channel: a channel is opened to check events"}},
		{"event without a topic", "channel: {topics: []}\nrequest: {method: GET, path: /}\nexpect: {events: [{within: 1s}]}\n", []string{"expect.events[0]: an expected event needs a topicName"}},
		{"absent event with a body", "channel: {topics: []}\nrequest: {method: GET, path: /}\nexpect: {events: [{topicName: t, absent: true, body: {}}]}\n", []string{"an absent event has no body"}},
		{"bad within", "channel: {topics: []}\nrequest: {method: GET, path: /}\nexpect: {events: [{topicName: t, within: soon}]}\n", []string{
			`expect.events[0].within: want a positive duration`,
		}},
		{"misspelt ws fault", "channel: {topics: [], faults: {reset-aftr: 1s}}\nrequest: {method: GET, path: /}\nexpect: {events: [{topicName: t}]}\n", []string{
			`bad.yaml:1:32: case "bad": channel.faults: unknown key "reset-aftr" (did you mean "reset-after"?)`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Decode("bad.yaml", []byte(tt.src))
			var list ErrorList
			if !errors.As(err, &list) {
				t.Fatalf("Decode = %v, want an ErrorList", err)
			}
			if len(list) != len(tt.want) {
				t.Fatalf("Decode gave %d errors, want %d:\n%v", len(list), len(tt.want), err)
			}
			for i, w := range tt.want {
				if !strings.Contains(list[i].Error(), w) {
					t.Errorf("error %d = %q, want it to contain %q", i, list[i], w)
				}
			}
		})
	}
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte(good))
	f.Add([]byte("- request: {method: GET, path: /x/{a}}\n"))
	f.Add([]byte("&a [*a]"))
	// Anchors and aliases where a case's values are decoded: a body shared
	// between cases, an alias to the value containing it, a merge key, and
	// an alias bomb (each must be an error, never a walk without end).
	f.Add([]byte("- name: a\n  request: &r {method: POST, path: /x, body: &b {k: [1, 2]}}\n- name: b\n  request: *r\n  expect: {body: *b}\n"))
	f.Add([]byte("request: {method: POST, path: /x, body: &a [x, *a]}\n"))
	f.Add([]byte("request: &r {method: GET, path: /x, body: {r: *r}}\n"))
	f.Add([]byte("request: {method: GET, path: /x, headers: &h {A: b}, query: {<<: *h}}\n"))
	f.Add([]byte("request:\n  method: POST\n  path: /x\n  body:\n    a0: &a0 [x, x, x, x, x, x, x, x, x]\n" +
		"    a1: &a1 [*a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0]\n    a2: &a2 [*a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1]\n" +
		"    a3: &a3 [*a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2]\n    a4: &a4 [*a3, *a3, *a3, *a3, *a3, *a3, *a3, *a3, *a3]\n" +
		"    a5: &a5 [*a4, *a4, *a4, *a4, *a4, *a4, *a4, *a4, *a4]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cases, err := Decode("fuzz.yaml", data)
		if err == nil && len(cases) == 0 {
			t.Fatal("Decode returned neither cases nor an error")
		}
		var list ErrorList
		if err != nil && !errors.As(err, &list) {
			t.Fatalf("Decode error is %T, want ErrorList", err)
		}
		for _, e := range list {
			if !strings.HasPrefix(e.Error(), "fuzz.yaml") {
				t.Fatalf("error %q does not name the file", e)
			}
		}
	})
}

// Decode and ReadFile reuse the YAML tree's nodes, and ReadFile the
// file's bytes, for the next file parsed (strictyaml.WithTree,
// WithFileTree): a case that kept a node or a byte would change when they
// are. Each file is decoded, then every other file after it (reusing and,
// under the race detector, poisoning that memory), and must still equal
// the decode of a tree and text of its own; errors alike.
func TestDecodeKeepsNoNode(t *testing.T) {
	dir := t.TempDir()
	files := map[string][]byte{
		filepath.Join(dir, "every-field.yaml"): []byte(everyField),
		filepath.Join(dir, "bad.yaml"):         []byte("- name: a\n  request: {method: GET, path: /}\n  expect: {status: x}\n- name: b\n  requets: {}\n"),
	}
	for name, data := range files {
		if err := os.WriteFile(name, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range packTestCases(t) {
		if c.Pos.File != "every-field.yaml" {
			data, err := os.ReadFile(c.Pos.File)
			if err != nil {
				t.Fatal(err)
			}
			files[c.Pos.File] = data
		}
	}
	type result struct {
		cases []*Case
		err   error
	}
	decoded, read := map[string]result{}, map[string]result{}
	for name, data := range files {
		cases, err := Decode(name, data)
		decoded[name] = result{cases, err}
		cases, err = ReadFile(name)
		read[name] = result{cases, err}
	}
	for name, data := range files {
		doc, err := strictyaml.Parse(name, bytes.Clone(data))
		if err != nil {
			t.Fatalf("Parse(%s): %v", name, err)
		}
		cases, errs := decodeDoc(name, doc)
		want := result{cases: cases}
		if len(errs) > 0 {
			want.err = errs
		}
		for how, got := range map[string]result{"Decode": decoded[name], "ReadFile": read[name]} {
			if diff := cmp.Diff(want.cases, got.cases, cmp.AllowUnexported(Case{})); diff != "" {
				t.Errorf("%s(%s) after other files (-own tree +reused):\n%s", how, name, diff)
			}
			if fmt.Sprint(want.err) != fmt.Sprint(got.err) {
				t.Errorf("%s(%s) error = %v, want %v", how, name, got.err, want.err)
			}
		}
	}
}
