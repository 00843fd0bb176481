package secret

import "testing"

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
