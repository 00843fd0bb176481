package runner

import (
	"net/http"
	"os/exec"
	"strings"
	"testing"
)

// TestCurlCommandQuoting runs the rendered command's words through a real
// shell (with curl replaced by printf) to check that bodies and headers
// survive quoting and that credentials stay variable references.
func TestCurlCommandQuoting(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	body := []byte(`{"name":"O'Brien","note":"$HOME \"quoted\" ` + "`x`" + `"}`)
	h := http.Header{"Content-Type": {"application/json"}, "X-Weird": {`a'b"c`}}
	ca := curlAuth{header: []string{`"Authorization: Bearer ` + shellVar("TOKEN_AGENT") + `"`}}
	cmd := curlCommand("POST", "https://api.example.com/a?b=c&d='e'", h, body, ca)
	script := "curl() { printf '%s\\n' \"$@\"; }\nTOKEN_AGENT=tok\n" + cmd
	out, err := exec.Command(sh, "-c", script).CombinedOutput()
	if err != nil {
		t.Fatalf("sh: %v\n%s\n%s", err, out, cmd)
	}
	got := strings.Split(strings.TrimSpace(string(out)), "\n")
	want := []string{"-sS", "-X", "POST", "https://api.example.com/a?b=c&d='e'", "-H", "Authorization: Bearer tok",
		"-H", "Content-Type: application/json", "-H", `X-Weird: a'b"c`, "--data-binary", string(body)}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("the shell read the command as\n%q\nwant\n%q\ncommand:\n%s", got, want, cmd)
	}
}

func TestTokenVar(t *testing.T) {
	for in, want := range map[string]string{"agent": "TOKEN_AGENT", "agent-no-station": "TOKEN_AGENT_NO_STATION", "pc.service": "TOKEN_PC_SERVICE"} {
		if got := tokenVar(in); got != want {
			t.Errorf("tokenVar(%q) = %q, want %q", in, got, want)
		}
	}
}
