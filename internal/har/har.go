// Package har reads the requests of a HAR file (what a browser's network
// panel or a proxy exports) as captured requests casebook can turn into
// cases.
package har

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/casebook-dev/casebook/internal/curl"
	"github.com/casebook-dev/casebook/internal/inputfile"
)

// file is the part of HAR 1.2 casebook reads.
type file struct {
	Log struct {
		Entries []struct {
			Request struct {
				Method   string `json:"method"`
				URL      string `json:"url"`
				Headers  []nv   `json:"headers"`
				PostData *struct {
					MimeType string `json:"mimeType"`
					Text     string `json:"text"`
					Encoding string `json:"encoding"` // not in HAR 1.2, but Chrome writes it
					Params   []nv   `json:"params"`
				} `json:"postData"`
			} `json:"request"`
			Response struct {
				Status int `json:"status"`
			} `json:"response"`
		} `json:"entries"`
	} `json:"log"`
}

type nv struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Entry is one captured exchange.
type Entry struct {
	// Index is the entry's 1-based position in the file.
	Index   int
	Request *curl.Request
}

// MaxFileBytes is the largest HAR file read. A browser's export carries
// every response body too; casebook decodes only the requests, so memory
// stays near the file's size.
const MaxFileBytes = 64 << 20

// ReadFile reads every entry of the HAR file at path, at most MaxFileBytes.
// Its errors name the file.
func ReadFile(path string) ([]Entry, error) {
	data, err := inputfile.Read(path, MaxFileBytes)
	if err != nil {
		return nil, err
	}
	entries, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return entries, nil
}

// Parse reads every entry of a HAR file.
func Parse(data []byte) ([]Entry, error) {
	var f file
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("not a HAR file: %w", err)
	}
	if len(f.Log.Entries) == 0 {
		return nil, fmt.Errorf("the HAR file has no entries (log.entries is empty)")
	}
	var out []Entry
	for i, e := range f.Log.Entries {
		r := &curl.Request{Method: strings.ToUpper(e.Request.Method), URL: e.Request.URL, Header: http.Header{}, Status: e.Response.Status}
		for _, h := range e.Request.Headers {
			if strings.HasPrefix(h.Name, ":") {
				continue // HTTP/2 pseudo-headers
			}
			r.Header.Add(h.Name, h.Value)
		}
		if pd := e.Request.PostData; pd != nil {
			body := pd.Text
			if pd.Encoding == "base64" {
				b, err := base64.StdEncoding.DecodeString(body)
				if err != nil {
					return nil, fmt.Errorf("entry %d: postData.text: %w", i+1, err)
				}
				body = string(b)
			}
			if body == "" && len(pd.Params) > 0 {
				var parts []string
				for _, p := range pd.Params {
					parts = append(parts, p.Name+"="+p.Value)
				}
				body = strings.Join(parts, "&")
			}
			r.Body = []byte(body)
			if pd.MimeType != "" && r.Header.Get("Content-Type") == "" {
				r.Header.Set("Content-Type", pd.MimeType)
			}
		}
		out = append(out, Entry{Index: i + 1, Request: r})
	}
	return out, nil
}

// Pick chooses the entry to import: index n (1-based) when n > 0; else
// the only entry, else the first whose answer failed (status >= 400): the
// request an engineer is diagnosing. Otherwise it lists the entries.
func Pick(entries []Entry, n int) (Entry, error) {
	if n > 0 {
		if n > len(entries) {
			return Entry{}, fmt.Errorf("--entry %d: the file has %d entries", n, len(entries))
		}
		return entries[n-1], nil
	}
	if len(entries) == 1 {
		return entries[0], nil
	}
	for _, e := range entries {
		if e.Request.Status >= 400 {
			return e, nil
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "the file has %d entries and none failed; choose one with --entry N:", len(entries))
	for _, e := range entries {
		fmt.Fprintf(&b, "\n  %d: %s %s -> %d", e.Index, e.Request.Method, e.Request.URL, e.Request.Status)
	}
	return Entry{}, fmt.Errorf("%s", b.String())
}
