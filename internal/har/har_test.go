package har

import (
	"strings"
	"testing"
)

const sample = `{"log":{"version":"1.2","entries":[
 {"request":{"method":"get","url":"https://api.example.com/api/v2/users/me","headers":[{"name":":authority","value":"api.example.com"},{"name":"Authorization","value":"Bearer tok"}]},"response":{"status":200}},
 {"request":{"method":"POST","url":"https://api.example.com/api/v2/conversations/calls","headers":[{"name":"content-type","value":"application/json"}],
   "postData":{"mimeType":"application/json","text":"{\"phoneNumber\":\"+15550199\"}"}},"response":{"status":400}},
 {"request":{"method":"POST","url":"https://login.example.com/oauth/token","headers":[],
   "postData":{"mimeType":"application/x-www-form-urlencoded","params":[{"name":"grant_type","value":"client_credentials"}]}},"response":{"status":200}}
]}}`

func TestParseAndPick(t *testing.T) {
	entries, err := Parse([]byte(sample))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 3 {
		t.Fatalf("got %d entries, want 3", len(entries))
	}
	if r := entries[0].Request; r.Method != "GET" || r.Header.Get(":authority") != "" || r.Header.Get("Authorization") != "Bearer tok" {
		t.Errorf("entry 1 = %+v", r)
	}
	if r := entries[2].Request; string(r.Body) != "grant_type=client_credentials" || r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
		t.Errorf("entry 3 body from params = %q, %v", r.Body, r.Header)
	}
	e, err := Pick(entries, 0)
	if err != nil || e.Index != 2 || string(e.Request.Body) != `{"phoneNumber":"+15550199"}` || e.Request.Status != 400 {
		t.Errorf("Pick(0) = %+v, %v; want the failing entry 2", e, err)
	}
	if e, err := Pick(entries, 3); err != nil || e.Index != 3 {
		t.Errorf("Pick(3) = %+v, %v", e, err)
	}
	if _, err := Pick(entries, 4); err == nil {
		t.Error("Pick(4) of 3: no error")
	}
	if _, err := Pick(entries[:1:1], 0); err != nil {
		t.Errorf("Pick of a single entry: %v", err)
	}
	ok := []Entry{entries[0], entries[2]}
	if _, err := Pick(ok, 0); err == nil || !strings.Contains(err.Error(), "--entry N") || !strings.Contains(err.Error(), "3: POST https://login.example.com/oauth/token -> 200") {
		t.Errorf("Pick with no failing entry: %v, want the list", err)
	}
}

func TestParseRejects(t *testing.T) {
	for _, in := range []string{`not json`, `{"log":{"entries":[]}}`, `{"log":{"entries":[{"request":{"method":"POST","url":"https://h/","postData":{"text":"%%%","encoding":"base64"}}}]}}`} {
		if _, err := Parse([]byte(in)); err == nil {
			t.Errorf("Parse(%s): no error", in)
		}
	}
}
