package lint

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/casebook-dev/casebook/internal/jsonvalue"
	"github.com/casebook-dev/casebook/internal/spec"
)

// FuzzFormAndQuery: whatever a form body and a query string hold, lint
// answers with findings, never a panic, every finding names a rule, and
// Options.ErrorsOnly finds the same errors (checkErrorsOnly).
// The seeds run with go test; go test -fuzz explores further.
func FuzzFormAndQuery(f *testing.F) {
	s := load(f, basicForm)
	f.Add("Url=https://example.com&Events=created&Events=updated&Timeout=5", "PageSize=1")
	f.Add("Url=x&Events[]=a&Events[0]=b&Timeout[x][y]=1&a[b][c][d]=e", "PageSize[]=1&PageSize=2")
	f.Add("%zz&=&[]=&a[=b&a]=c&Timeout=1e999", "PageSize=%")
	f.Add("Events[][x]=1&Url[0]=2&Color[a]=b", "")
	f.Fuzz(func(t *testing.T, form, query string) {
		q, _ := url.ParseQuery(query)
		h := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "Authorization": {"Basic eDp5"}}
		for _, r := range []*Request{
			{Method: "POST", Path: "/subscriptions", Header: h, Body: []byte(form)},
			{Method: "GET", Path: "/subscriptions/SB1", Query: q, Header: h},
		} {
			for _, f := range Check(context.Background(), s, r, Options{}).Findings {
				if f.Rule == "" {
					t.Errorf("finding without a rule: %s", f)
				}
			}
			checkErrorsOnly(t, s, r, Options{})
		}
	})
}

// FuzzCheckResponseSharedJSON holds the shortcut of Response.JSON (the
// caller's own decode of the body, shared: the runner decodes an answer
// once for the comparison, the captures and this check) to the slow path,
// CheckResponse decoding the body itself: the same findings, and the
// shared value is left as it was.
func FuzzCheckResponseSharedJSON(f *testing.F) {
	type route struct {
		m      *spec.Match
		status int
		header http.Header
	}
	var routes []route
	for _, r := range []struct {
		spec, method, path string
		status             int
	}{
		{answersSpec, "GET", "/things/t1", 200},
		{answersSpec, "GET", "/things/t1", 404},
		{genesysSpec, "POST", "/api/v2/conversations/calls", 403},
		{genesysSpec, "GET", "/api/v2/outbound/campaigns/c1", 200},
	} {
		m, err := load(f, r.spec).Find(r.method, r.path)
		if err != nil {
			f.Fatal(err)
		}
		routes = append(routes, route{m, r.status, http.Header{"Content-Type": {"application/json"}}})
	}
	f.Add(uint8(0), `{"id": 5}`)
	f.Add(uint8(0), `{"id": "t1", "name": "w", "kind": "widgt", "extra": [1, 2.50, {"a": null}]}`)
	f.Add(uint8(1), `{"message": "not found", "code": "x"}`)
	f.Add(uint8(2), `{"status": "403", "code": "missing.permissions", "message": "\u00e9"}`)
	f.Add(uint8(3), `{"id": "c1", "name": "A", "campaignStatus": "on", "version": 1e2, "dialingMode": "preview"}`)
	f.Add(uint8(3), `{"id": "c1"} {"trailing": true}`)
	f.Add(uint8(0), `[1, "two", false]`)
	f.Fuzz(func(t *testing.T, which uint8, body string) {
		r := routes[int(which)%len(routes)]
		slow := CheckResponse(r.m, &Response{Method: r.m.Operation.Method, Status: r.status, Header: r.header, Body: []byte(body)})
		shared, ok := jsonvalue.Decode([]byte(body))
		fast := CheckResponse(r.m, &Response{Method: r.m.Operation.Method, Status: r.status, Header: r.header, Body: []byte(body),
			JSON: func() (any, bool) { return shared, ok }})
		if diff := cmp.Diff(slow, fast); diff != "" {
			t.Errorf("CheckResponse with the body's JSON shared differs from decoding it (-slow +shared):\n%s", diff)
		}
		if again, _ := jsonvalue.Decode([]byte(body)); !cmp.Equal(again, shared) {
			t.Errorf("CheckResponse changed the shared value: %v, decoded %v", shared, again)
		}
	})
}

// FuzzCheckURI holds checkURI, whose simpleURI shortcut vouches for plain
// absolute URIs without url.Parse, to checkURIParsed, the check through
// url.Parse: the same verdict and the same words, whatever the string.
func FuzzCheckURI(f *testing.F) {
	for _, s := range []string{
		"https://example.invalid/0a1b2c3d", "https://api.mypurecloud.com/api/v2/outbound/campaigns/c-1", "http://127.0.0.1:8080/x",
		"http://localhost:/x", "http://h:80x", "http://[::1]/x", "http://u@h/x", "http://h/x?y=1", "http://h/%zz", "http://h/%41",
		"http:///x", "http://", "http:", "x://h", "1http://h", "h-t+t.p://h", "HTTP://H/A_B~C.D-E", "https://h/a b", "https://h/\x7f",
		"mailto:a@b", "/relative", "", "://h", "http://h..-/x//y", "http://h/é", "http://h#f", "http://h/x:y", "http://h:1:2/",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, want := checkURI(s), checkURIParsed(s)
		if (got == nil) != (want == nil) || got != nil && got.Error() != want.Error() {
			t.Errorf("checkURI(%q) = %v, checkURIParsed = %v", s, got, want)
		}
		if simpleURI(s) && want != nil {
			t.Errorf("simpleURI(%q) vouches for a URI url.Parse refuses: %v", s, want)
		}
	})
}
