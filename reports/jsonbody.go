package reports

import (
	"bytes"

	"github.com/casebook-dev/casebook/internal/jsonvalue"
)

// canonicalJSON appends body as the JSON report writes a body it has
// decoded: compact, each object's members sorted by name, numbers as
// they are written, and, when redact is set, the non-empty string of a
// member named like a credential at any depth replaced by
// secret.Redacted (redactValue). It reports false, having appended
// nothing, for a body that is not one JSON object or array with only
// JSON's spaces around it; the slower path (setBody) then decides. It is
// decodeJSON, redactValue and encoding/json's encoder, through
// internal/jsonvalue, which does both without reflection
// (FuzzCanonicalJSON holds it to that).
func canonicalJSON(dst, body []byte, redact bool) ([]byte, bool) {
	lead := bytes.TrimLeft(body, " \t\r\n")
	if len(lead) == 0 || (lead[0] != '{' && lead[0] != '[') {
		return dst, false
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
