package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGenerateThenRun is the user's first hour with an API: generate a
// suite from a spec, run it against the built-in mock, and it passes. The
// Basic-only form spec needs the built-in target to present HTTP Basic;
// the published petstore is the corpus in small.
func TestGenerateThenRun(t *testing.T) {
	for _, specPath := range []string{"mockserver/testdata/basic-form.yaml", "../shared/specs-real/openapi-examples/v3.0-petstore.yaml"} {
		t.Run(filepath.Base(specPath), func(t *testing.T) {
			out := t.TempDir()
			o := casebook(t, "", "generate", "--spec", specPath, "--negative", "--out", out)
			if o.code != exitOK || !strings.Contains(o.stdout, "wrote ") {
				t.Fatalf("casebook generate: exit %d\n%s%s", o.code, o.stdout, o.stderr)
			}
			o = casebook(t, "", "run", out)
			m := summaryLine.FindStringSubmatch(o.stdout)
			if o.code != exitOK || m == nil || m[1] == "0" || m[2] != "0" {
				t.Fatalf("casebook run on the generated cases: exit %d\n%s%s", o.code, o.stdout, o.stderr)
			}
			// A second run into the same folder refuses, and changes nothing.
			before, err := os.ReadDir(out)
			if err != nil {
				t.Fatal(err)
			}
			o = casebook(t, "", "generate", "--spec", specPath, "--out", out)
			after, _ := os.ReadDir(out)
			if o.code != exitUsage || !strings.Contains(o.stderr, "already exists") || len(after) != len(before) {
				t.Errorf("generate into a folder that holds the files: exit %d %q, %d files then %d; want 2, already exists, no change", o.code, o.stderr, len(before), len(after))
			}
		})
	}
}
