package secret

import (
	"strings"
	"testing"
)

// referenceName is Name before it lowercased ASCII names on the stack:
// strings.ToLower for every name.
func referenceName(name string) bool {
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

// referenceRedactedValue is RedactedValue before it used lower.
func referenceRedactedValue(name, v string) string {
	if scheme, _, ok := strings.Cut(v, " "); ok && strings.Contains(strings.ToLower(name), "authorization") {
		return scheme + " " + Redacted
	}
	return Redacted
}

// checkName: Name and RedactedValue judge s as the references do.
func checkName(t *testing.T, s string) {
	t.Helper()
	if got, want := Name(s), referenceName(s); got != want {
		t.Errorf("Name(%q) = %v, want %v (strings.ToLower)", s, got, want)
	}
	for _, v := range []string{"Bearer abc", "abc", " x", ""} {
		if got, want := RedactedValue(s, v), referenceRedactedValue(s, v); got != want {
			t.Errorf("RedactedValue(%q, %q) = %q, want %q (strings.ToLower)", s, v, got, want)
		}
	}
}

// nameTexts: every name of the rule in several spellings of case, near
// misses, non-ASCII letters that lowercase to ASCII ones (the Kelvin sign,
// dotted capital I), invalid UTF-8, and names either side of the 64 bytes
// Name lowercases on the stack.
var nameTexts = []string{"", "Authorization", "AUTHORIZATION", "authorization", "Proxy-Authorization", "Cookie", "Set-Cookie",
	"PASSWORD", "Passwd", "Client_Secret", "ClientSecret", "Assertion", "Code_Verifier", "X-Api-Key", "X-API-KEY", "Api_Key",
	"ApiKey", "X-Auth-Token", "Access_Token", "Token_Type", "TokenType", "TOKEN_TYPE", "token_types", "Content-Type", "Accept",
	"phoneNumber", "grant_type", "toke", "secre", "api key", "\u212aey", "Coo\u212aie", "ap\u0130_key", "AP\u0130KEY", "secr\xffet",
	"t\xc3oken", "tökén", "SECRET\u00e9", strings.Repeat("a", 63) + "T", strings.Repeat("a", 59) + "TOKEN", strings.Repeat("A", 60) + "TOKEN",
	strings.Repeat("b", 64), strings.Repeat("x", 200) + "Secret", "Authorization\x00", "authorization ", "X-Proxy-AUTHORIZATION-2", "Authori\u212aation",
	"AUTHORIZATIO\u0130N", strings.Repeat("z", 60) + "Authorization"}

func TestNameMatchesToLower(t *testing.T) {
	for _, s := range nameTexts {
		checkName(t, s)
	}
}

// TestNameDoesNotAllocate: an ASCII name up to 64 bytes, any spelling of
// case, is judged without allocating.
func TestNameDoesNotAllocate(t *testing.T) {
	for _, s := range []string{"Authorization", "Content-Type", "X-Api-Key", "Token_Type", strings.Repeat("A", 59) + "TOKEN"} {
		if n := testing.AllocsPerRun(100, func() { Name(s) }); n != 0 {
			t.Errorf("Name(%q) allocates %v times, want 0", s, n)
		}
	}
	// The scheme kept: "Bearer REDACTED" is the one allocation.
	if n := testing.AllocsPerRun(100, func() { RedactedValue("Authorization", "Bearer abc") }); n != 1 {
		t.Errorf("RedactedValue(Authorization, Bearer abc) allocates %v times, want 1", n)
	}
}

func FuzzName(f *testing.F) {
	for _, s := range nameTexts {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkName(t, s)
	})
}

func BenchmarkName(b *testing.B) {
	names := []string{"Authorization", "Content-Type", "Accept", "X-Api-Key", "Content-Length", "Date", "password", "access_token"}
	for _, bench := range []struct {
		name string
		f    func(string) bool
	}{{"stack", Name}, {"ToLower", referenceName}} {
		b.Run(bench.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				for _, n := range names {
					bench.f(n)
				}
			}
		})
	}
}
