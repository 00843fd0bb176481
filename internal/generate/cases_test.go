package generate

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"testing"

	"github.com/casebook-dev/casebook/internal/casefile"
	"github.com/casebook-dev/casebook/internal/spec"
)

const basicForm = "../../mockserver/testdata/basic-form.yaml"

func TestSuiteWritesCasesTheDecoderReads(t *testing.T) {
	s, err := spec.Load(basicForm)
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	files, skipped, err := Suite(context.Background(), s, Options{SpecPath: basicForm, Out: out, Negative: true, Operations: []string{"createSubscription"}})
	if err != nil || len(skipped) > 0 || len(files) != 1 {
		t.Fatalf("Suite = %d files, skipped %v, %v; want one file", len(files), skipped, err)
	}
	f := files[0]
	if f.Path != filepath.Join(out, "createSubscription.yaml") {
		t.Errorf("file = %s, want createSubscription.yaml in %s", f.Path, out)
	}
	cases, err := casefile.Decode(f.Path, f.Data)
	if err != nil {
		t.Fatalf("the generated file does not decode: %v\n%s", err, f.Data)
	}
	var names []string
	for _, c := range cases {
		names = append(names, c.Name)
		wantAuth := "default"
		if c.Name == "createSubscription--no-credentials" {
			wantAuth = "none"
		}
		if c.Auth != wantAuth || c.Request.Form == nil {
			t.Errorf("case %s: auth %q, form %v; want auth default and a form body", c.Name, c.Auth, c.Request.Form)
		}
		if want := filepath.Join(out, c.Spec); filepath.Clean(want) != mustAbs(t, basicForm) {
			t.Errorf("case %s: spec %q resolves to %s, want %s", c.Name, c.Spec, want, mustAbs(t, basicForm))
		}
	}
	for _, want := range []string{"createSubscription", "createSubscription--drop-Url", "createSubscription--type-Timeout",
		"createSubscription--format-Url", "createSubscription--undeclared", "createSubscription--content-type", "createSubscription--no-credentials"} {
		if !slices.Contains(names, want) {
			t.Errorf("cases %q lack %s", names, want)
		}
	}
	if len(cases[0].Expect.Lint) != 0 || cases[0].Expect.Status != 201 {
		t.Errorf("the valid case expects %v and %d, want no findings and 201", cases[0].Expect.Lint, cases[0].Expect.Status)
	}
	if n := len(cases[0].Request.Form["Events"]); n < 1 {
		t.Errorf("Events = %v, want a list", cases[0].Request.Form["Events"])
	}

	if err := Write(out, files); err != nil {
		t.Fatal(err)
	}
	var exists *ExistsError
	if err := Write(out, files); !errors.As(err, &exists) {
		t.Errorf("Write over existing files = %v, want *ExistsError", err)
	}
	if _, _, err := Suite(context.Background(), s, Options{SpecPath: basicForm, Out: out, Operations: []string{"POST /subscription"}}); err == nil {
		t.Errorf("Suite with an unknown operation: no error")
	}
}

func mustAbs(t *testing.T, p string) string {
	t.Helper()
	abs, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}
