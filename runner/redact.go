package runner

import (
	"net/http"
	"strings"
)

// Redacted replaces secret header values in reports, logs and curl exports.
const Redacted = "REDACTED"

var secretHeaders = map[string]bool{
	"Authorization":       true,
	"Proxy-Authorization": true,
	"Cookie":              true,
	"Set-Cookie":          true,
	"X-Api-Key":           true,
	"Api-Key":             true,
	"X-Auth-Token":        true,
}

// IsSecretHeader reports whether a header carries credentials.
func IsSecretHeader(name string) bool {
	name = http.CanonicalHeaderKey(name)
	if secretHeaders[name] {
		return true
	}
	l := strings.ToLower(name)
	return strings.Contains(l, "token") || strings.Contains(l, "secret") || strings.Contains(l, "api-key") || strings.Contains(l, "apikey")
}

// RedactHeader returns a copy of h with every credential replaced by Redacted
// (the scheme of an Authorization header is kept: "Bearer REDACTED").
func RedactHeader(h http.Header) http.Header {
	out := h.Clone()
	for name, values := range out {
		if !IsSecretHeader(name) {
			continue
		}
		for i, v := range values {
			if scheme, _, ok := strings.Cut(v, " "); ok && strings.Contains(strings.ToLower(name), "authorization") {
				values[i] = scheme + " " + Redacted
			} else {
				values[i] = Redacted
			}
		}
	}
	return out
}
