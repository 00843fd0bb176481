package runner

import (
	"slices"
	"testing"
)

func TestInputFiles(t *testing.T) {
	cfg, err := LoadConfig("testdata/project/casebook.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cases, err := LoadCases(cfg, cfg.DefaultPaths())
	if err != nil {
		t.Fatal(err)
	}
	r := New(Options{LintOnly: true})
	defer r.Close()
	got := r.InputFiles(cfg, cases)
	want := []string{
		"testdata/project/casebook.yaml",
		"testdata/project/cases/good.yaml",
		"testdata/project/specs/echo.yaml",
		"testdata/project/specs/echo.overlay.yaml",
		"testdata/project/cases/pitfall.yaml",
	}
	if !slices.Equal(got, want) {
		t.Errorf("InputFiles = %q, want %q", got, want)
	}
}
