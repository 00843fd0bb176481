package secret

import (
	"net/http"
	"testing"
)

func TestName(t *testing.T) {
	for name, want := range map[string]bool{
		"Authorization": true, "proxy-authorization": true, "Cookie": true, "Set-Cookie": true,
		"X-Api-Key": true, "api_key": true, "X-Auth-Token": true, "access_token": true,
		"client_secret": true, "password": true, "assertion": true,
		"token_type": false, "Content-Type": false, "Accept": false, "phoneNumber": false, "grant_type": false,
	} {
		if got := Name(name); got != want {
			t.Errorf("Name(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestRedactHeader(t *testing.T) {
	h := http.Header{"Authorization": {"Bearer s3cret"}, "X-Api-Key": {"k3y"}, "Accept": {"a"}}
	got := RedactHeader(h)
	if got.Get("Authorization") != "Bearer REDACTED" || got.Get("X-Api-Key") != "REDACTED" || got.Get("Accept") != "a" {
		t.Errorf("RedactHeader = %v", got)
	}
	if h.Get("Authorization") != "Bearer s3cret" {
		t.Error("RedactHeader changed its argument")
	}
}
