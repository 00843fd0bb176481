package curl

import (
	"bytes"
	"errors"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/casebook-dev/casebook/internal/casefile"
	"github.com/casebook-dev/casebook/internal/finding"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParse(t *testing.T) {
	files := map[string][]byte{"body.json": []byte("{\"a\":\n1}\n")}
	read := func(name string) ([]byte, error) {
		if b, ok := files[name]; ok {
			return b, nil
		}
		return nil, errors.New("no such file")
	}
	for _, tc := range []struct {
		name   string
		args   []string
		method string
		url    string
		header http.Header
		body   string
	}{
		{"bare URL is a GET", []string{"curl", "https://api.example.com/v1/users?x=1"}, "GET", "https://api.example.com/v1/users?x=1", http.Header{}, ""},
		{"data implies POST and a form type", []string{"-d", "a=1", "-d", "b=2", "api.example.com/f"}, "POST", "http://api.example.com/f",
			http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}, "a=1&b=2"},
		{"long options with =, explicit method", []string{"--request=PUT", "--url=https://h/x", "--header=Content-Type: application/json", "--data-raw", `{"a":"@b"}`}, "PUT", "https://h/x",
			http.Header{"Content-Type": {"application/json"}}, `{"a":"@b"}`},
		{"bundled short options and attached values", []string{"-sSLXPATCH", "-HX-Trace: 1", "https://h/p"}, "PATCH", "https://h/p", http.Header{"X-Trace": {"1"}}, ""},
		{"--json sets both content types", []string{"--json", `{"to":"+1"}`, "https://h/j"}, "POST", "https://h/j",
			http.Header{"Content-Type": {"application/json"}, "Accept": {"application/json"}}, `{"to":"+1"}`},
		{"-d @file strips newlines, --data-binary does not", []string{"-d", "@body.json", "https://h/f"}, "POST", "https://h/f",
			http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}, `{"a":1}`},
		{"-u becomes basic auth", []string{"-u", "id:secret", "https://h/t"}, "GET", "https://h/t", http.Header{"Authorization": {"Basic aWQ6c2VjcmV0"}}, ""},
		{"-G moves data to the query", []string{"-G", "-d", "q=a b", "--data-urlencode", "r=c d", "https://h/s?z=0"}, "GET", "https://h/s?z=0&q=a b&r=c+d", http.Header{}, ""},
		{"-I is HEAD; ignored options with values", []string{"-I", "-o", "/dev/null", "-m", "5", "-w", "%{http_code}", "https://h/"}, "HEAD", "https://h/", http.Header{}, ""},
		{"empty header value removes it", []string{"-H", "Accept: x", "-H", "Accept:", "https://h/"}, "GET", "https://h/", http.Header{}, ""},
		{"URL after --", []string{"-X", "DELETE", "--", "https://h/d"}, "DELETE", "https://h/d", http.Header{}, ""},
		{"cookie and bearer options", []string{"-b", "s=1", "--oauth2-bearer", "tok", "https://h/"}, "GET", "https://h/", http.Header{"Cookie": {"s=1"}, "Authorization": {"Bearer tok"}}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse(tc.args, read)
			if err != nil {
				t.Fatalf("Parse(%q) error: %v", tc.args, err)
			}
			if got.Method != tc.method || got.URL != tc.url || string(got.Body) != tc.body || !reflect.DeepEqual(got.Header, tc.header) {
				t.Errorf("Parse(%q) = %s %s %v %q, want %s %s %v %q", tc.args, got.Method, got.URL, got.Header, got.Body, tc.method, tc.url, tc.header, tc.body)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-X", "POST"}, "no URL"},
		{[]string{"--heder", "A: b", "https://h/"}, "did you mean --header?"},
		{[]string{"-Z", "https://h/"}, "unsupported option -Z"},
		{[]string{"https://h/a", "https://h/b"}, "a second URL"},
		{[]string{"-H", "no colon", "https://h/"}, `"Name: value"`},
		{[]string{"-d", "@/etc/passwd", "https://h/"}, "not allowed"},
		{[]string{"https://h/", "-H"}, "needs a value"},
		{[]string{"--silent=yes", "https://h/"}, "takes no value"},
	} {
		_, err := Parse(tc.args, nil)
		var pe *ParseError
		if !errors.As(err, &pe) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Parse(%q) error = %v, want a ParseError containing %q", tc.args, err, tc.want)
		}
	}
}

func TestToCase(t *testing.T) {
	r, err := Parse([]string{"curl", "-X", "POST", "https://api.example.com/api/v2/campaigns/c-9/calls?access_token=abc&mode=x",
		"-H", "Authorization: Bearer eyJsecret", "-H", "X-Api-Key: sk-1", "-H", "Cookie: s=1", "-H", "User-Agent: curl/8",
		"-H", "Content-Type: application/json", "-H", "X-Trace: on",
		"--data-raw", `{"recipient":{"phoneNumber":"+15550199","id":"007"},"password":"hunter2","n":12345678901234567890,"ok":true}`}, nil)
	if err != nil {
		t.Fatal(err)
	}
	r.Status = 400
	out, notes, err := ToCase(r, CaseOptions{
		Auth: "pc-dialer", Source: "a curl command", Operation: "POST /api/v2/campaigns/{campaignId}/calls",
		Findings: []finding.Finding{{Severity: finding.Error, Location: finding.InBody, Pointer: "/recipient/address", Rule: "required", Message: "property \"address\" is missing"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"eyJsecret", "sk-1", "s=1", "hunter2", "abc"} {
		if bytes.Contains(out, []byte(secret)) {
			t.Errorf("the imported case holds the secret %q:\n%s", secret, out)
		}
	}
	cases, err := casefile.Decode("imported.yaml", out)
	if err != nil {
		t.Fatalf("the imported case does not decode: %v\n%s", err, out)
	}
	c := cases[0]
	if c.Name != "post-api-v2-campaigns-c-9-calls" || c.Auth != "pc-dialer" || c.Request.Path != "/api/v2/campaigns/{campaignId}/calls" || c.Request.PathParams["campaignId"] != "c-9" {
		t.Errorf("case = %+v", c)
	}
	body := c.Request.Body.V.(map[string]any)
	rec := body["recipient"].(map[string]any)
	if rec["phoneNumber"] != "+15550199" || rec["id"] != "007" || body["password"] != "${CASEBOOK_PASSWORD}" || body["ok"] != true {
		t.Errorf("body = %v (strings that look like numbers must stay strings)", body)
	}
	// A case holds int64 at most (casefile): a bigger integer stays exact as a string, with a note.
	if body["n"] != "12345678901234567890" || !strings.Contains(strings.Join(notes, "\n"), "does not fit") {
		t.Errorf("big number = %#v, want the exact digits as a string and a note", body["n"])
	}
	if c.Request.Headers["X-Api-Key"] != "${CASEBOOK_X_API_KEY}" || c.Request.Headers["X-Trace"] != "on" || len(c.Request.Headers) != 2 {
		t.Errorf("headers = %v", c.Request.Headers)
	}
	if c.Request.Query["access_token"][0] != "${CASEBOOK_ACCESS_TOKEN}" {
		t.Errorf("query = %v", c.Request.Query)
	}
	if c.Expect.Status != 400 || len(c.Expect.Lint) != 1 || c.Expect.Lint[0].Pointer != "/recipient/address" {
		t.Errorf("expect = %+v", c.Expect)
	}
	if all := strings.Join(notes, "\n"); !strings.Contains(all, "removed the Authorization header") || !strings.Contains(all, "Cookie") {
		t.Errorf("notes do not say what was stripped:\n%s", all)
	}
}

func TestToCaseForm(t *testing.T) {
	r, err := Parse([]string{"-d", "grant_type=client_credentials", "-d", "client_secret=xyz", "https://login.example.com/oauth/token"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	out, _, err := ToCase(r, CaseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cases, err := casefile.Decode("form.yaml", out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if f := cases[0].Request.Form; !slices.Equal(f["grant_type"], []string{"client_credentials"}) || !slices.Equal(f["client_secret"], []string{"${CASEBOOK_CLIENT_SECRET}"}) || cases[0].Auth != "none" {
		t.Errorf("form case:\n%s", out)
	}
}

// TestToCaseKeepsBytes: what a case sends is what was captured, byte for
// byte and with the same Content-Type, whatever the body is.
func TestToCaseKeepsBytes(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		// raw is the rawBody wanted ("" when the body goes as body: or form:).
		raw string
		// contentType is the Content-Type header the case keeps ("" for none).
		contentType string
		note        string
	}{
		{
			// The README's example: curl -d without -H sends JSON as a form.
			name: "JSON that curl sends as a form", args: []string{"-d", `{"phoneNumber": "+15550199"}`, "https://h/api/v2/conversations/calls"},
			raw: `{"phoneNumber": "+15550199"}`, contentType: "application/x-www-form-urlencoded", note: "the body is JSON but goes out as application/x-www-form-urlencoded",
		},
		{
			name: "a form in its own encoding", args: []string{"-d", "b=1", "-d", "client_secret=s3cr3t", "-d", "a=x y", "https://h/token"},
			raw: "b=1&client_secret=${CASEBOOK_CLIENT_SECRET}&a=x y", contentType: "application/x-www-form-urlencoded",
		},
		{
			name: "a body of another type", args: []string{"-H", "Content-Type: text/plain", "--data-binary", "line 1\n\tline 2 \"x\" 'y'\n", "https://h/notes"},
			raw: "line 1\n\tline 2 \"x\" 'y'\n", contentType: "text/plain",
		},
		{
			name: "broken JSON", args: []string{"--json", `{"a": `, "https://h/x"},
			raw: `{"a": `, contentType: "application/json",
		},
		{
			name: "JSON with its own media type", args: []string{"-H", "Content-Type: application/json; charset=utf-8", "-d", `{"a": 1}`, "https://h/x"},
			contentType: "application/json; charset=utf-8",
		},
		{
			name: "a canonical form", args: []string{"-d", "grant_type=client_credentials", "https://h/token"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Parse(tc.args, nil)
			require.NoError(t, err)
			out, notes, err := ToCase(r, CaseOptions{})
			require.NoError(t, err)
			cases, err := casefile.Decode("c.yaml", out)
			require.NoError(t, err, "%s", out)
			req := cases[0].Request
			assert.Equal(t, tc.raw, req.RawBody, "rawBody in\n%s", out)
			assert.Equal(t, tc.contentType, req.Headers["Content-Type"], "Content-Type in\n%s", out)
			assert.NotContains(t, string(out), "s3cr3t")
			if tc.note != "" {
				assert.Contains(t, strings.Join(notes, "\n"), tc.note)
			}
		})
	}
}

// TestToCaseRawJSONSecret: a credential in a JSON body sent as a form is
// replaced, at the price of the body's spacing.
func TestToCaseRawJSONSecret(t *testing.T) {
	r, err := Parse([]string{"-d", `{"user": "u", "password": "hunter2", "note": "<b>"}`, "https://h/login"}, nil)
	require.NoError(t, err)
	out, notes, err := ToCase(r, CaseOptions{})
	require.NoError(t, err)
	cases, err := casefile.Decode("c.yaml", out)
	require.NoError(t, err)
	assert.Equal(t, `{"note":"<b>","password":"${CASEBOOK_PASSWORD}","user":"u"}`, cases[0].Request.RawBody)
	assert.NotContains(t, string(out), "hunter2")
	assert.Contains(t, strings.Join(notes, "\n"), "re-encoded the body")
}
func TestJQPath(t *testing.T) {
	for ptr, want := range map[string]string{
		"":               ".",
		"/id":            `.["id"]`,
		"/entities/0/id": `.["entities"][0]["id"]`,
		"/a~1b/x y":      `.["a/b"]["x y"]`,
		`/quote"d`:       `.["quote\"d"]`,
	} {
		if got := jqPath(ptr); got != want {
			t.Errorf("jqPath(%q) = %s, want %s", ptr, got, want)
		}
	}
}
