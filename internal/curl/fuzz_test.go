package curl

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/casebook-dev/casebook/internal/casefile"
)

// FuzzParse: any argument list either fails with a ParseError or yields a
// request whose case YAML decodes (for a method a case may have) and holds
// no credential that was sent.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"curl\x00-X\x00POST\x00https://h/a\x00-H\x00Authorization: Bearer s3cr3t\x00-d\x00{\"a\":1}",
		"-sSL\x00--json\x00[1,2]\x00h/x?y=1",
		"-G\x00--data-urlencode\x00q=a b\x00https://h/",
		"-u\x00user:pw\x00--url=https://h/p/{x}",
		"-XPUT\x00-HContent-Type: application/x-www-form-urlencoded\x00-d\x00a=1&a=2\x00https://h/",
		"-d\x00@f\x00https://h/",
		"--\x00https://h/%zz",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		args := strings.Split(s, "\x00")
		r, err := Parse(args, nil)
		if err != nil {
			if _, ok := err.(*ParseError); !ok {
				t.Fatalf("Parse(%q) error %T %v, want *ParseError", args, err, err)
			}
			return
		}
		out, _, err := ToCase(r, CaseOptions{Operation: "POST /a/{b}"})
		if err != nil {
			return
		}
		// The credential may appear in the case only where the request
		// itself repeats it outside the Authorization header.
		if auth := r.Header.Get("Authorization"); len(auth) > 12 {
			elsewhere := r.URL + string(r.Body)
			for k, v := range r.Header {
				if k != "Authorization" {
					elsewhere += k + strings.Join(v, "")
				}
			}
			if _, secret, ok := strings.Cut(auth, " "); ok && len(secret) > 8 && strings.Contains(string(out), secret) && !strings.Contains(elsewhere, secret) {
				t.Fatalf("the case holds the Authorization credential %q:\n%s", secret, out)
			}
		}
		std := []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodHead, http.MethodOptions}
		if !slices.Contains(std, r.Method) {
			return
		}
		if _, err := casefile.Decode("fuzz.yaml", out); err != nil && !strings.Contains(err.Error(), "path") {
			t.Fatalf("ToCase(%q) wrote a case that does not decode: %v\n%s", args, err, out)
		}
	})
}
