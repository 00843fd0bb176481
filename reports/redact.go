package reports

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"github.com/casebook-dev/casebook/internal/diff"
	"github.com/casebook-dev/casebook/internal/secret"
)

// Every renderer runs what it writes through these, even though the runner
// already redacts request headers when it records them: a report is the file
// most likely to be pasted into a ticket, and a Result built by other code
// (a test, a future target) may not have been redacted.

// redactHeader redacts credentials (Authorization, Cookie, api keys, tokens).
func redactHeader(h http.Header) http.Header {
	if h == nil {
		return nil
	}
	return secret.RedactHeader(h)
}

// redactURL hides a password in the user info and the values of query
// parameters named like credentials (access_token=, api_key=, ...). A
// URL with neither '@' nor '?' has neither, and is returned without
// being parsed (every request of a run goes through here;
// FuzzRedactURL holds the shortcut to parseAndRedactURL).
func redactURL(raw string) string {
	if !strings.ContainsAny(raw, "@?") {
		return raw
	}
	return parseAndRedactURL(raw)
}

func parseAndRedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	changed := false
	if u.User != nil {
		if _, has := u.User.Password(); has {
			u.User = url.UserPassword(u.User.Username(), secret.Redacted)
			changed = true
		}
	}
	if u.RawQuery != "" {
		q := u.Query()
		if redactValues(q) {
			u.RawQuery = q.Encode()
			changed = true
		}
	}
	if !changed {
		return raw
	}
	return u.String()
}

// redactValues replaces the values of credential names in q and reports
// whether it changed anything.
func redactValues(q url.Values) bool {
	changed := false
	for k, vs := range q {
		if secret.Name(k) {
			for i := range vs {
				vs[i] = secret.Redacted
			}
			changed = true
		}
	}
	return changed
}

// redactBody hides credential members of a JSON body (client_secret,
// password, access_token, ...), at any depth of an object or an array, and
// of a form body. Other bodies pass as they
// are: a pitfall's payload is the point of the report.
func redactBody(b []byte) []byte {
	t := bytes.TrimSpace(b)
	if len(t) == 0 {
		return b
	}
	if t[0] == '{' || t[0] == '[' {
		v, ok := decodeJSON(t)
		if !ok {
			return b
		}
		if !redactValue(v) {
			return b
		}
		out, err := json.Marshal(v)
		if err != nil {
			return b
		}
		return out
	}
	if bytes.ContainsAny(t, "= ") && !bytes.ContainsAny(t, " \n{[") {
		q, err := url.ParseQuery(string(t))
		if err != nil {
			return b
		}
		if redactValues(q) {
			return []byte(q.Encode())
		}
	}
	return b
}

func redactValue(v any) bool {
	changed := false
	switch t := v.(type) {
	case map[string]any:
		for k, sub := range t {
			if s, ok := sub.(string); ok && secret.Name(k) && s != "" {
				t[k] = secret.Redacted
				changed = true
				continue
			}
			changed = redactValue(sub) || changed
		}
	case []any:
		for _, sub := range t {
			changed = redactValue(sub) || changed
		}
	}
	return changed
}

// decodeJSON decodes one JSON value, numbers kept exact.
func decodeJSON(b []byte) (any, bool) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, false
	}
	if dec.More() {
		return nil, false
	}
	// Trailing garbage after the value makes it not JSON.
	var extra json.RawMessage
	if dec.Decode(&extra) == nil {
		return nil, false
	}
	return v, true
}

// safeDifferences redacts the values of differences about a credential
// (safeDifference).
func safeDifferences(ds []diff.Difference) []diff.Difference {
	out := make([]diff.Difference, len(ds))
	for i, d := range ds {
		out[i] = safeDifference(d)
	}
	return out
}

// safeDifference redacts the values of a difference about a credential: a
// body member named like one (/access_token) or a credential header.
func safeDifference(d diff.Difference) diff.Difference {
	name := d.Pointer
	if j := strings.LastIndexByte(name, '/'); j >= 0 {
		name = name[j+1:]
	}
	if (d.Part == diff.Body || d.Part == diff.Header) && name != "" && secret.Name(name) {
		if _, ok := d.Want.(string); ok {
			d.Want = secret.Redacted
		}
		if _, ok := d.Got.(string); ok {
			d.Got = secret.Redacted
		}
	}
	return d
}
