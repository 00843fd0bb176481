// Package secret decides which names carry credentials: headers, query
// parameters, form fields and JSON members. The runner, the reports and the
// curl export all redact by this one rule, so a name hidden in one output is
// hidden in all of them.
package secret

import (
	"bytes"
	"net/http"
	"strings"
	"unicode/utf8"
)

// Redacted replaces a credential's value wherever casebook writes one:
// reports, logs, errors and curl exports.
const Redacted = "REDACTED"

// exact are names that carry a credential whatever their spelling of case.
var exact = map[string]bool{
	"authorization":       true,
	"proxy-authorization": true,
	"cookie":              true,
	"set-cookie":          true,
	"password":            true,
	"passwd":              true,
	"client_secret":       true,
	"clientsecret":        true,
	"assertion":           true,
	"code_verifier":       true,
}

// Name reports whether a header, parameter, field or member named name
// carries a credential: the names above, and any name containing token,
// secret or api key (token_type, which only says "bearer", excepted).
//
// Names are compared lowercased. An ASCII name (nearly all: headers are
// canonical, "Content-Type") is lowercased byte by byte into a buffer on
// the stack, as strings.ToLower would lowercase it, but without
// allocating the copy; any other goes through strings.ToLower, whose
// Unicode rules can turn a non-ASCII letter into an ASCII one (the Kelvin
// sign into k).
func Name(name string) bool {
	var buf [64]byte
	return lowerName(lower(name, &buf))
}

// lower is name lowercased as strings.ToLower lowercases it: an ASCII name
// that fits, byte by byte into buf; any other, by strings.ToLower.
func lower(name string, buf *[64]byte) []byte {
	if len(name) > len(buf) {
		return []byte(strings.ToLower(name))
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c >= utf8.RuneSelf {
			return []byte(strings.ToLower(name))
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	return buf[:len(name)]
}

var authorization = []byte("authorization")

// parts are what makes a name a credential's wherever it appears in it.
var parts = [][]byte{[]byte("token"), []byte("secret"), []byte("api-key"), []byte("apikey"), []byte("api_key")}

// lowerName is Name of a name already lowercased.
func lowerName(l []byte) bool {
	if exact[string(l)] {
		return true
	}
	if string(l) == "token_type" || string(l) == "tokentype" {
		return false
	}
	for _, part := range parts {
		if bytes.Contains(l, part) {
			return true
		}
	}
	return false
}

// RedactHeader returns a copy of h with every credential replaced by Redacted
// (the scheme of an Authorization header is kept: "Bearer REDACTED").
func RedactHeader(h http.Header) http.Header {
	out := h.Clone()
	for name, values := range out {
		if !Name(name) {
			continue
		}
		for i, v := range values {
			values[i] = RedactedValue(name, v)
		}
	}
	return out
}

// RedactedValue is the value RedactHeader gives one of the values of a
// header named name (Name(name) is true): for a writer that walks a
// header without copying it.
func RedactedValue(name, v string) string {
	var buf [64]byte
	if scheme, _, ok := strings.Cut(v, " "); ok && bytes.Contains(lower(name, &buf), authorization) {
		return scheme + " " + Redacted
	}
	return Redacted
}
