package reports

import (
	"bytes"
	"encoding/base64"
	"unicode/utf8"

	"github.com/casebook-dev/casebook/internal/jsonvalue"
	"github.com/casebook-dev/casebook/internal/secret"
)

// canonicalJSON appends body as the JSON report writes a body it has
// decoded: compact, each object's members sorted by name, numbers as
// they are written, and, when redact is set, the non-empty string of a
// member named like a credential at any depth replaced by
// secret.Redacted (redactValue). It reports false, having appended
// nothing, for a body that is not one JSON object or array with only
// JSON's spaces around it; the slower path (redactedBody) then decides. It is
// decodeJSON, redactValue and encoding/json's encoder, through
// internal/jsonvalue, which does both without reflection, and, for most
// bodies, without building the value (jsonvalue.Recode, redactValue's
// rule as its mask). FuzzCanonicalJSON holds it to that.
func canonicalJSON(dst, body []byte, redact bool) ([]byte, bool) {
	var mask func([]byte) bool
	if redact {
		mask = func(name []byte) bool { return secret.Name(string(name)) }
	}
	return canonicalJSONMasked(dst, body, mask)
}

// canonicalJSONMasked is canonicalJSON redacting when mask is set: mask
// must be secret.Name's verdict (jsonOut.secretNameBytes remembers it).
func canonicalJSONMasked(dst, body []byte, mask func([]byte) bool) ([]byte, bool) {
	lead := bytes.TrimLeft(body, " \t\r\n")
	if len(lead) == 0 || (lead[0] != '{' && lead[0] != '[') {
		return dst, false
	}
	redact := mask != nil
	if out, ok := jsonvalue.Recode(dst, body, mask, secret.Redacted); ok {
		return out, true
	}
	v, ok := jsonvalue.Decode(body)
	if !ok {
		return dst, false
	}
	if redact {
		redactValue(v)
	}
	out, err := jsonvalue.Append(dst, v)
	if err != nil {
		return dst, false
	}
	return out, true
}

// bodyKind is which member of a JSONMessage holds a body.
type bodyKind int

const (
	noBody     bodyKind = iota
	bodyJSON            // "body": compact JSON
	bodyText            // "bodyText": UTF-8 text that is no JSON
	bodyBase64          // "bodyBase64": other bytes
)

// redactedBody is how the JSON report writes body b, credentials
// redacted (redactBody's rules; mask is secret.Name's verdict, see
// canonicalJSONMasked): which member holds it, and, appended to
// dst, the compact JSON, the text or the base64. A JSON object or array
// is decoded once (canonicalJSON); the bodies it leaves are decided as
// the report always did (setBody of redactBody, in
// json_reference_test.go: FuzzJSONCase holds the two to the same bytes).
func redactedBody(dst, b []byte, mask func([]byte) bool) (bodyKind, []byte, error) {
	if out, ok := canonicalJSONMasked(dst, b, mask); ok {
		return bodyJSON, out, nil
	}
	t := bytes.TrimSpace(b)
	// Past JSON's own spaces, TrimSpace trims what makes b no JSON.
	if len(t) == 0 || (t[0] != '{' && t[0] != '[') || len(bytes.Trim(b, " \t\r\n")) != len(t) {
		return plainBody(dst, redactBody(b))
	}
	v, ok := decodeJSON(t)
	if !ok {
		return plainBody(dst, b) // what redactBody returns
	}
	redactValue(v)
	out, err := jsonvalue.Append(dst, v)
	return bodyJSON, out, err
}

// plainBody is how the JSON report writes a body it does not redact: as
// JSON when it is JSON, else as text when it is UTF-8, else in base64.
func plainBody(dst, b []byte) (bodyKind, []byte, error) {
	if len(b) == 0 {
		return noBody, dst, nil
	}
	if v, ok := decodeJSON(b); ok {
		out, err := jsonvalue.Append(dst, v)
		return bodyJSON, out, err
	}
	if utf8.Valid(b) {
		return bodyText, append(dst, b...), nil
	}
	return bodyBase64, base64.StdEncoding.AppendEncode(dst, b), nil
}
