package lint

import (
	"context"
	"net/http"
	"net/url"
	"testing"
)

// FuzzFormAndQuery: whatever a form body and a query string hold, lint
// answers with findings, never a panic, and every finding names a rule.
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
		}
	})
}
