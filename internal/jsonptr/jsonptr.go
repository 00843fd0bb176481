// Package jsonptr builds and resolves RFC 6901 JSON pointers over values
// decoded by encoding/json (map[string]any, []any and scalars).
//
// Every finding and every difference casebook reports names its place with a
// pointer from this package, so the lint report, the mock's error envelope and
// the diff all agree on how "/recipient/address" is spelt.
package jsonptr

import (
	"strconv"
	"strings"
)

// Escape escapes one reference token: "~" becomes "~0" and "/" becomes "~1".
func Escape(token string) string {
	if !strings.ContainsAny(token, "~/") {
		return token
	}
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(token)
}

// Unescape reverses Escape.
func Unescape(token string) string {
	if !strings.Contains(token, "~") {
		return token
	}
	return strings.NewReplacer("~1", "/", "~0", "~").Replace(token)
}

// Join builds a pointer from unescaped tokens. Join() is "" (the whole document).
func Join(tokens ...string) string {
	var b strings.Builder
	for _, t := range tokens {
		b.WriteByte('/')
		b.WriteString(Escape(t))
	}
	return b.String()
}

// Append adds unescaped tokens to an existing pointer.
func Append(ptr string, tokens ...string) string {
	return ptr + Join(tokens...)
}

// Split returns the unescaped tokens of a pointer. "" and "/" are both read
// as the whole document only when ptr is ""; "/" is the key "".
func Split(ptr string) []string {
	if ptr == "" {
		return nil
	}
	parts := strings.Split(strings.TrimPrefix(ptr, "/"), "/")
	for i, p := range parts {
		parts[i] = Unescape(p)
	}
	return parts
}

// Valid reports whether ptr is a syntactically valid pointer.
func Valid(ptr string) bool {
	if ptr == "" {
		return true
	}
	if ptr[0] != '/' {
		return false
	}
	for i := 0; i < len(ptr); i++ {
		if ptr[i] == '~' && (i+1 >= len(ptr) || (ptr[i+1] != '0' && ptr[i+1] != '1')) {
			return false
		}
	}
	return true
}

// Get resolves ptr in doc. It reports false when a token names no member.
func Get(doc any, ptr string) (any, bool) {
	cur := doc
	for _, tok := range Split(ptr) {
		switch v := cur.(type) {
		case map[string]any:
			next, ok := v[tok]
			if !ok {
				return nil, false
			}
			cur = next
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(v) || strconv.Itoa(i) != tok {
				return nil, false
			}
			cur = v[i]
		default:
			return nil, false
		}
	}
	return cur, true
}

// Parent returns the pointer of the containing value and the last token.
func Parent(ptr string) (parent, last string) {
	i := strings.LastIndexByte(ptr, '/')
	if i < 0 {
		return "", ""
	}
	return ptr[:i], Unescape(ptr[i+1:])
}

// Bracketed spells a pointer as a parameter name, the way form bodies and
// most vendors' error bodies name a field: "/tiers/0/up_to" is
// "tiers[0][up_to]", "/balance" is "balance", "" is "".
func Bracketed(ptr string) string {
	tokens := Split(ptr)
	if len(tokens) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(tokens[0])
	for _, t := range tokens[1:] {
		b.WriteString("[" + t + "]")
	}
	return b.String()
}
