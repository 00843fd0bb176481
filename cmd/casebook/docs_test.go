package main

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestDocumentsUpToDate fails when docs/pitfalls.md or docs/claims.md is not
// what casebook docs generates from the shipped cases, the mock and
// docs/claims.yaml. Regenerate them with:
//
//	go run ./cmd/casebook docs
func TestDocumentsUpToDate(t *testing.T) {
	for _, doc := range []struct{ name, file string }{
		{"pitfalls", "../../docs/pitfalls.md"},
		{"claims", "../../docs/claims.md"},
	} {
		t.Run(doc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := cmdDocs([]string{"--config", testConfig(t), "--doc", doc.name, "--out", "-"}, &stdout, &stderr); code != exitOK {
				t.Fatalf("casebook docs --doc %s: exit %d\n%s", doc.name, code, stderr.String())
			}
			shipped, err := os.ReadFile(doc.file)
			if err != nil {
				t.Fatalf("%v (generate it with: go run ./cmd/casebook docs)", err)
			}
			if got := stdout.String(); got != string(shipped) {
				t.Errorf("%s is out of date; regenerate it with: go run ./cmd/casebook docs\nfirst difference at line %s", doc.file, firstDiffLine(string(shipped), got))
			}
		})
	}
}

func firstDiffLine(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return strings.Join([]string{itoa(i + 1), "\n  shipped:   " + wl, "\n  generated: " + gl}, "")
		}
	}
	return "(none)"
}

func itoa(i int) string { return strconv.Itoa(i) }

// TestDocsCheck: --check passes on fresh files and fails, naming the file,
// when either the catalogue or the claims ledger is stale.
func TestDocsCheck(t *testing.T) {
	for _, name := range []string{"pitfalls", "claims"} {
		t.Run(name, func(t *testing.T) {
			out := t.TempDir() + "/" + name + ".md"
			args := []string{"--config", testConfig(t), "--doc", name, "--out", out}
			var stdout, stderr bytes.Buffer
			if code := cmdDocs(args, &stdout, &stderr); code != exitOK {
				t.Fatalf("casebook docs %v: exit %d\n%s", args, code, stderr.String())
			}
			check := append(args, "--check")
			if code := cmdDocs(check, &stdout, &stderr); code != exitOK {
				t.Errorf("--check right after writing: exit %d, want 0 (is the output deterministic?)\n%s", code, stderr.String())
			}
			fresh, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(out, append(fresh, "stale\n"...), 0o644); err != nil {
				t.Fatal(err)
			}
			stderr.Reset()
			if code := cmdDocs(check, &stdout, &stderr); code != exitFailed || !strings.Contains(stderr.String(), out+" is out of date") {
				t.Errorf("--check on a stale file: exit %d, want 1 naming the file\n%s", code, stderr.String())
			}
		})
	}
}

// TestDocsFlags: --out needs one document, and --doc knows its names.
func TestDocsFlags(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--out", "-"}, "--out writes one document; name it with --doc (pitfalls, claims)"},
		{[]string{"--doc", "claim"}, `no document "claim" (want one of pitfalls, claims) (did you mean "claims"?)`},
	} {
		var stdout, stderr bytes.Buffer
		if code := cmdDocs(append([]string{"--config", testConfig(t)}, tt.args...), &stdout, &stderr); code != exitUsage || !strings.Contains(stderr.String(), tt.want) {
			t.Errorf("casebook docs %v: exit %d, %q; want exit 2 and %q", tt.args, code, stderr.String(), tt.want)
		}
	}
}

// TestClaimsLedgerNamesEveryClaim: docs/claims.md judges every claim issue 13
// lists, each with a Genesys Cloud and a NICE CXone verdict.
func TestClaimsLedgerNamesEveryClaim(t *testing.T) {
	doc, err := os.ReadFile("../../docs/claims.md")
	if err != nil {
		t.Fatal(err)
	}
	md := string(doc)
	for _, phrase := range []string{
		"/api/v2/outbound/calls", "/api/v2/outbound/campaigns/{campaignId}/calls", "not phoneNumber",
		"outbound:campaign:write", "view:personalconnection and manage:personalconnection", "Invalid recipient configuration",
		"Support Article GC-8821", "outboundApi.postOutboundCalls", "Go SDK", "active phone capabilities",
		"Guest API", "WebSocket reconnection", "ping/pong", "Datadog", "Personal Connection campaign", "400 or 403",
	} {
		if !strings.Contains(md, phrase) {
			t.Errorf("docs/claims.md does not mention %q", phrase)
		}
	}
	for _, section := range strings.Split(md, "\n### ")[1:] {
		for _, vendor := range []string{"- **Genesys Cloud: `", "- **NICE CXone: `"} {
			if !strings.Contains(section, vendor) {
				t.Errorf("claim %q has no %s verdict", strings.SplitN(section, "\n", 2)[0], vendor)
			}
		}
	}
}
