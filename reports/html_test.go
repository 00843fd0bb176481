package reports

import (
	"bytes"
	"context"
	"encoding/json"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/casebook-dev/casebook/internal/results"
	"github.com/casebook-dev/casebook/internal/testenv"
)

func renderHTML(t *testing.T, rs []*results.Result) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := HTML(&buf, rs, Options{Version: "test"}); err != nil {
		t.Fatalf("HTML() error: %v", err)
	}
	return buf.Bytes()
}

func TestHTMLGolden(t *testing.T) {
	golden(t, "testdata/report.html", renderHTML(t, richResults()))
}

// TestHTMLSelfContained: the page loads nothing from anywhere.
func TestHTMLSelfContained(t *testing.T) {
	out := string(renderHTML(t, richResults()))
	for _, re := range []string{`(?i)<link\b`, `(?i)\bsrc\s*=`, `(?i)href\s*=\s*"(?:https?:)?//`, `(?i)@import`, `(?i)url\(`} {
		if m := regexp.MustCompile(re).FindString(out); m != "" {
			t.Errorf("HTML report references an external asset: %q", m)
		}
	}
}

func TestHTMLEscapesAndRedacts(t *testing.T) {
	out := string(renderHTML(t, richResults()))
	if strings.Contains(out, `genesys-markup <&>`) || !strings.Contains(out, `genesys-markup &lt;&amp;&gt;`) {
		t.Error("case name with markup is not escaped")
	}
	if strings.Contains(out, "<b>&amp;</b>") {
		t.Error("answer body markup reached the page unescaped")
	}
	for _, secret := range []string{"eyJhbGciOi", "sk-live-123", "session=abc", "sid=xyz", "tok-secret-1", "shh"} {
		if strings.Contains(out, secret) {
			t.Errorf("HTML report contains the secret %q", secret)
		}
	}
}

func TestJSONLinesMarks(t *testing.T) {
	v := map[string]any{"a": 1.0, "b": map[string]any{"c": "x", "d/e": []any{true}}, "z": nil}
	lines := jsonLines(v, map[string]bool{"/b/d~1e": true})
	var marked []string
	for _, l := range lines {
		if l.Mark {
			marked = append(marked, strings.TrimSpace(l.Text))
		}
	}
	if want := []string{`"d/e": [`, `true`, `]`}; !slices.Equal(marked, want) {
		t.Errorf("marked lines = %q, want %q", marked, want)
	}
}

// chromium finds Debian's chromium. Without it the browser test skips
// locally, but fails in CI (CI=true), where scripts/install-test-deps.sh
// must have installed it.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{os.Getenv("CASEBOOK_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"} {
		if name == "" {
			continue
		}
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	testenv.MissingTool(t, "chromium is not installed: the browser test needs it (apt-get install chromium)")
	return ""
}

// runChromium runs headless chromium on a file with a fresh profile and
// returns what it printed on stdout.
func runChromium(t *testing.T, bin string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	base := []string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-dev-shm-usage", "--user-data-dir=" + t.TempDir(),
	}
	cmd := exec.CommandContext(ctx, bin, append(base, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %v: %v\n%s", args, err, stderr.String())
	}
	return stdout.Bytes()
}

// probeScript drives the page as a person would (clicking the filter
// buttons) and records what is visible after each click, by layout (an
// element with display:none has no offsetParent), into <pre id="probe">.
const probeScript = `<script>
(function () {
  function visible() {
    return Array.prototype.slice.call(document.querySelectorAll(".case"))
      .filter(function (e) { return e.offsetParent !== null; })
      .map(function (e) { return e.getAttribute("data-name"); });
  }
  function click(sel) { document.querySelector(sel).click(); }
  var out = {title: document.title, all: visible()};
  var failing = document.querySelector('.case[data-status="failed"]');
  var diffs = failing.querySelector(".diffs");
  out.failingDiffsVisible = diffs !== null && diffs.offsetParent !== null && diffs.getBoundingClientRect().height > 0;
  out.failingText = failing.innerText;
  var want = failing.querySelector(".sbs .want").getBoundingClientRect(), got = failing.querySelector(".sbs .got").getBoundingClientRect();
  out.sideBySide = want.width > 200 && got.left >= want.right && Math.abs(got.top - want.top) < 2;
  out.marked = Array.prototype.slice.call(failing.querySelectorAll(".got pre.code span.mark")).map(function (e) { return e.textContent.trim(); });
  click('[data-filter-status="failed"]');
  out.failed = visible();
  out.shown = document.getElementById("shown").textContent;
  click('[data-filter-status="all"]');
  click('[data-filter-tag="recipient"]');
  out.tagRecipient = visible();
  click('[data-filter-tag="live-only"]');
  out.tagRecipientOrLiveOnly = visible();
  click('[data-filter-status="passed"]');
  out.passedWithTags = visible();
  out.hash = location.hash;
  var pre = document.createElement("pre");
  pre.id = "probe";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>`

type probe struct {
	Title                  string   `json:"title"`
	All                    []string `json:"all"`
	FailingDiffsVisible    bool     `json:"failingDiffsVisible"`
	FailingText            string   `json:"failingText"`
	SideBySide             bool     `json:"sideBySide"`
	Marked                 []string `json:"marked"`
	Failed                 []string `json:"failed"`
	Shown                  string   `json:"shown"`
	TagRecipient           []string `json:"tagRecipient"`
	TagRecipientOrLiveOnly []string `json:"tagRecipientOrLiveOnly"`
	PassedWithTags         []string `json:"passedWithTags"`
	Hash                   string   `json:"hash"`
}

// TestHTMLInChromium renders the report in a real headless browser: the
// page renders, the failing case and its differences are visible, and the
// status and tag filters show exactly the cases they should.
func TestHTMLInChromium(t *testing.T) {
	bin := chromium(t)
	page := renderHTML(t, richResults())
	probed := bytes.Replace(page, []byte("</body>"), []byte(probeScript+"\n</body>"), 1)
	path := filepath.Join(t.TempDir(), "report.html")
	if err := os.WriteFile(path, probed, 0o644); err != nil {
		t.Fatal(err)
	}
	dom := string(runChromium(t, bin, "--window-size=1280,1800", "--dump-dom", "file://"+path))
	m := regexp.MustCompile(`(?s)<pre id="probe">(.*?)</pre>`).FindStringSubmatch(dom)
	if m == nil {
		t.Fatalf("the probe did not run (a script error?); DOM starts:\n%.2000s", dom)
	}
	var p probe
	if err := json.Unmarshal([]byte(html.UnescapeString(m[1])), &p); err != nil {
		t.Fatalf("probe output: %v\n%s", err, m[1])
	}
	const (
		pitfall = "pc-recipient-phone-number"
		fixed   = "pc-correct-call"
		markup  = `genesys-markup <&> "quoted"`
		skipped = "genesys-skipped"
		dead    = "genesys-dead-server"
	)
	check := func(what string, got, want []string) {
		t.Helper()
		if !slices.Equal(got, want) {
			t.Errorf("%s: visible cases = %q, want %q", what, got, want)
		}
	}
	if p.Title != "casebook report: 1 passed, 2 failed, 1 errored" {
		t.Errorf("title = %q", p.Title)
	}
	check("no filter", p.All, []string{pitfall, fixed, markup, skipped, dead})
	if !p.FailingDiffsVisible || !strings.Contains(p.FailingText, "/recipient/phoneNumber") {
		t.Errorf("the failing case's differences are not visible; its text:\n%s", p.FailingText)
	}
	if !p.SideBySide {
		t.Error("expected and actual are not laid out side by side at 1280px")
	}
	if !slices.Contains(p.Marked, `"detail": "recipient.address is required <b>&amp;</b> \u001b[31m]]>",`) {
		t.Errorf("the differing /detail line is not highlighted on the actual side; marked: %q", p.Marked)
	}
	check("status failed", p.Failed, []string{pitfall, markup})
	if p.Shown != "showing 2 of 5" {
		t.Errorf("counter = %q, want \"showing 2 of 5\"", p.Shown)
	}
	check("tag recipient", p.TagRecipient, []string{pitfall})
	check("tags recipient or live-only", p.TagRecipientOrLiveOnly, []string{pitfall, skipped})
	check("status passed with those tags", p.PassedWithTags, nil)
	if p.Hash != "#status=passed&tags=live-only,recipient" && p.Hash != "#status=passed&tags=recipient,live-only" {
		t.Errorf("location.hash = %q, want the filter state", p.Hash)
	}
}

// TestHTMLScreenshot takes a screenshot for a person to look at (kept with
// CASEBOOK_SCREENSHOT=FILE); it only checks that chromium produced a PNG.
func TestHTMLScreenshot(t *testing.T) {
	bin := chromium(t)
	path := filepath.Join(t.TempDir(), "report.html")
	if err := os.WriteFile(path, renderHTML(t, richResults()), 0o644); err != nil {
		t.Fatal(err)
	}
	shot := filepath.Join(t.TempDir(), "shot.png")
	if s := os.Getenv("CASEBOOK_SCREENSHOT"); s != "" {
		shot = s
	}
	runChromium(t, bin, "--screenshot="+shot, "--window-size=1280,1800", "--hide-scrollbars", "file://"+path)
	data, err := os.ReadFile(shot)
	if err != nil || !bytes.HasPrefix(data, []byte("\x89PNG")) || len(data) < 10000 {
		t.Errorf("screenshot %s: %d bytes, err %v; want a PNG of the page", shot, len(data), err)
	}
}
