// Package secret decides which names carry credentials: headers, query
// parameters, form fields and JSON members. The runner, the reports and the
// curl export all redact by this one rule, so a name hidden in one output is
// hidden in all of them.
package secret

import (
	"net/http"
	"strings"
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
func Name(name string) bool {
	l := strings.ToLower(name)
	if exact[l] {
		return true
	}
	if l == "token_type" || l == "tokentype" {
		return false
	}
	for _, part := range []string{"token", "secret", "api-key", "apikey", "api_key"} {
		if strings.Contains(l, part) {
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
	if scheme, _, ok := strings.Cut(v, " "); ok && strings.Contains(strings.ToLower(name), "authorization") {
		return scheme + " " + Redacted
	}
	return Redacted
}
