package strictyaml_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/casebook-dev/casebook/internal/curl"
	"github.com/casebook-dev/casebook/internal/finding"
	"github.com/casebook-dev/casebook/internal/generate"
	"github.com/casebook-dev/casebook/internal/spec"
	"github.com/casebook-dev/casebook/internal/strictyaml"
)

// TestParseFastMatchesWritten holds the fast path to yaml.v3 on what
// casebook writes for users to read back: generate --negative's case files
// for the shipped specs and the published corpus (../shared/specs-real),
// and import's cases from curl commands. All of it must take the fast
// path, and give yaml.v3's tree.
func TestParseFastMatchesWritten(t *testing.T) {
	specs := []string{
		"../../specs/personal-connection.yaml",
		"../../specs/genesys-cloud/openapi.yaml",
		"../../specs/nice-cxone/openapi.yaml",
		"../../../shared/specs-real/openapi-examples/v3.0-petstore-expanded.yaml",
		"../../../shared/specs-real/openapi-examples/v2.0-petstore-expanded.json",
		"../../../shared/specs-real/openapi-examples/v3.1-tictactoe.yaml",
		"../../../shared/specs-real/genesys-cloud-2018-03-swagger.json",
		"../../../shared/specs-real/stripe-spec3-2022-04.json",
		"../../../shared/specs-real/github-api-2022-06.json",
	}
	for _, path := range specs {
		t.Run(filepath.Base(path), func(t *testing.T) {
			t.Parallel()
			s, err := spec.Load(path)
			if err != nil {
				t.Fatalf("spec.Load(%s) = %v", path, err)
			}
			// Every mutation of the big specs' operations would take the
			// most of a minute under -race: their valid cases suffice there.
			big := strings.Contains(path, "specs-real/") && !strings.Contains(path, "openapi-examples")
			files, _, err := generate.Suite(context.Background(), s, generate.Options{SpecPath: path, Negative: !big, Out: t.TempDir()})
			if err != nil || len(files) == 0 {
				t.Fatalf("generate.Suite(%s) = %d files, %v", path, len(files), err)
			}
			for _, f := range files {
				checkTaken(t, f.Path, f.Data)
			}
			t.Logf("%d generated case files, all through the fast path", len(files))
		})
	}
	t.Run("import", func(t *testing.T) {
		for i, args := range [][]string{
			{"curl", "-X", "POST", "https://api.example.com/api/v2/campaigns/c-9/calls?access_token=abc&mode=x",
				"-H", "Authorization: Bearer eyJsecret", "-H", "X-Api-Key: sk-1", "-H", "Content-Type: application/json",
				"--data-raw", `{"recipient":{"phoneNumber":"+15550199","id":"007","note":"it's \"quoted\": a # b\n2nd line"},"n":12345678901234567890,"ok":true,"l":[1,"x",null,{}]}`},
			{"-d", "grant_type=client_credentials", "-d", "client_secret=xyz", "https://login.example.com/oauth/token"},
			{"curl", "https://api.example.com/v1/things?q=a%20b&q=c:d&empty=", "-H", "Accept: */*", "-H", "X-Note: - not a list"},
			{"curl", "-X", "PUT", "https://api.example.com/v1/raw", "-H", "Content-Type: text/plain", "--data-raw", "line one\nline two: yes\n\n  indented\n"},
		} {
			r, err := curl.Parse(args, nil)
			if err != nil {
				t.Fatal(err)
			}
			r.Status = 400
			out, _, err := curl.ToCase(r, curl.CaseOptions{Pitfall: "multi\nline: pitfall", Findings: []finding.Finding{
				{Severity: finding.Error, Location: finding.InBody, Pointer: "/recipient/address", Rule: "required", Message: "property \"address\" is missing"},
			}})
			if err != nil {
				t.Fatal(err)
			}
			checkTaken(t, "import-"+string(rune('a'+i)), out)
		}
	})
}

func checkTaken(t *testing.T, name string, data []byte) {
	t.Helper()
	took, diff := strictyaml.FastMatchesYAML(data)
	if diff != "" {
		t.Errorf("%s: fast path (-yaml.v3 +fast):\n%s", name, diff)
	}
	if !took {
		t.Errorf("%s: the fast path gave it to yaml.v3:\n%s", name, data)
	}
}

// BenchmarkParseCases parses every shipped case file, with Parse and with
// yaml.v3 alone (the parse before the fast path), in one run.
func BenchmarkParseCases(b *testing.B) {
	paths, err := filepath.Glob("../../cases/*/*.yaml")
	if err != nil || len(paths) == 0 {
		b.Fatalf("no shipped cases: %v", err)
	}
	var files [][]byte
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		files = append(files, data)
	}
	b.Run("Parse", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, data := range files {
				if _, err := strictyaml.Parse("case.yaml", data); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(files)), "ns/file")
	})
	b.Run("yaml.v3", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, data := range files {
				var n yaml.Node
				if err := yaml.Unmarshal(data, &n); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(files)), "ns/file")
	})
}
