package spec

import (
	"os"
	"testing"
)

// publishedSwagger is Genesys Cloud's published 2018 swagger (4.2 MB, 568
// paths), kept outside the repository; benchmarks skip when it is absent.
const publishedSwagger = "../../../shared/specs-real/genesys-cloud-2018-03-swagger.json"

// The big published OpenAPI 3.0 specs of issue 16 (bench/bigspecs.sh).
const (
	publishedStripe = "../../../shared/specs-real/stripe-spec3-2022-04.json"
	publishedGitHub = "../../../shared/specs-real/github-api-2022-06.json"
)

// BenchmarkLoad times Load (read, parse, convert, validate, build the
// router) of the shipped specs and of the published swagger: the start-up
// cost of `casebook mock` and of every `casebook run`.
func BenchmarkLoad(b *testing.B) {
	for _, bc := range []struct {
		name, path string
		wantPaths  int
	}{
		{"personal-connection", "../../specs/personal-connection.yaml", 0},
		{"genesys-subset", "../../specs/genesys-cloud/openapi.yaml", 0},
		{"published-swagger", publishedSwagger, 568},
		{"stripe-2022-04", publishedStripe, 0},
		{"github-2022-06", publishedGitHub, 0},
	} {
		b.Run(bc.name, func(b *testing.B) {
			if _, err := os.Stat(bc.path); err != nil {
				b.Skip(err)
			}
			s, err := Load(bc.path)
			if err != nil {
				b.Fatal(err)
			}
			paths := map[string]bool{}
			for _, op := range s.Operations() {
				paths[op.Path] = true
			}
			if len(paths) == 0 || bc.wantPaths > 0 && len(paths) != bc.wantPaths {
				b.Fatalf("Load(%s) routes %d paths, want %d", bc.path, len(paths), bc.wantPaths)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Load(bc.path); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
