// Package secret decides which names carry credentials: headers, query
// parameters, form fields and JSON members. The runner, the reports and the
// curl export all redact by this one rule, so a name hidden in one output is
// hidden in all of them.
package secret

import "strings"

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
