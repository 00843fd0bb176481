package reports

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/casebook-dev/casebook/internal/results"
)

// A stream writes the very bytes Write writes, in every format it takes,
// on stdout and in files, whatever order the suites' cases come in.
func TestStreamWritesWhatWriteWrites(t *testing.T) {
	rich := richResults()
	interleaved := []*results.Result{rich[2], rich[0], rich[3], rich[1], rich[4], stepsResult()}
	// fixedBy naming an earlier case, a case not run, and the case itself.
	// Each with a pitfall, so that the catalogue (markdown) shows it.
	back, missing, self := *rich[1], *rich[3], *rich[4]
	backCase, missingCase, selfCase := *back.Case, *missing.Case, *self.Case
	backCase.FixedBy, missingCase.FixedBy, selfCase.FixedBy = rich[2].Case.Name, "gone", selfCase.Name
	missingCase.Pitfall, selfCase.Pitfall = "Its fix did not run.", "It fixes itself."
	back.Case, missing.Case, self.Case = &backCase, &missingCase, &selfCase
	fixes := []*results.Result{rich[2], rich[0], &back, &missing, rich[1], &self, rich[3]}
	tests := []struct {
		name   string
		stdout string
		rs     []*results.Result
		opts   Options
	}{
		{"text on stdout", "", rich, Options{Version: "test"}},
		{"text in colour, verbose", "text", interleaved, Options{Version: "test", Color: true, Verbose: true}},
		{"json on stdout", "json", interleaved, Options{Version: "test"}},
		{"junit on stdout", "junit", interleaved, Options{Version: "test"}},
		{"no cases", "json", nil, Options{Version: "test"}},
		{"html on stdout, fixedBy back, forward, missing, itself", "html", fixes, Options{Version: "test"}},
		{"no cases in html", "html", nil, Options{Version: "test"}},
		{"markdown on stdout, fixedBy back, forward, missing, itself", "markdown", fixes, Options{Version: "test"}},
		{"markdown, steps and a case that is another's fix", "markdown", interleaved, Options{Version: "test"}},
		{"coverage", "text", interleaved, Options{Version: "test", Coverage: sampleCoverage()}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			write := func(stream bool) map[string]string {
				dir := t.TempDir()
				o := Outputs{Format: tt.stdout}
				for _, f := range Formats() {
					o.Files = append(o.Files, File{Format: f, Path: filepath.Join(dir, "report."+f)})
				}
				var stdout bytes.Buffer
				if !stream {
					if err := o.Write(tt.rs, &stdout, tt.opts); err != nil {
						t.Fatalf("Write() error: %v", err)
					}
				} else {
					if !o.Streams() {
						t.Fatalf("Streams() = false for %+v, want true", o)
					}
					opts := tt.opts
					opts.Coverage = nil // known at the end of a run
					s, err := o.Stream(&stdout, opts)
					if err != nil {
						t.Fatalf("Stream() error: %v", err)
					}
					for _, r := range tt.rs {
						s.Add(r)
					}
					s.SetCoverage(tt.opts.Coverage)
					sum, err := s.Close()
					if err != nil {
						t.Fatalf("Close() error: %v", err)
					}
					if want := results.Summarize(tt.rs); sum != want {
						t.Errorf("Close() summary = %+v, want %+v", sum, want)
					}
				}
				out := map[string]string{"stdout": stdout.String()}
				for _, f := range o.Files {
					data, err := os.ReadFile(f.Path)
					if err != nil {
						t.Fatal(err)
					}
					out[f.Format] = string(data)
				}
				return out
			}
			if diff := cmp.Diff(write(false), write(true)); diff != "" {
				t.Errorf("streamed reports differ from Write's (-write +stream):\n%s", diff)
			}
		})
	}
}

// Every format is written as the results come.
func TestEveryFormatStreams(t *testing.T) {
	for _, f := range Formats() {
		o := Outputs{Format: f, Files: []File{{f, "r." + f}}}
		if !o.Streams() {
			t.Errorf("%+v.Streams() = false, want true", o)
		}
	}
}

// The spools are temporary files: none is left behind.
func TestStreamRemovesItsSpools(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	o := Outputs{Format: "json", Files: []File{{Format: "junit", Path: filepath.Join(t.TempDir(), "r.xml")}}}
	s, err := o.Stream(&bytes.Buffer{}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range richResults() {
		s.Add(r)
	}
	if _, err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if left, _ := os.ReadDir(tmp); len(left) > 0 {
		t.Errorf("spools left in TMPDIR: %v", left)
	}
}

// Close writes the files at once: one that cannot be written is Close's
// error, named, and the others are written all the same.
func TestStreamCloseWritesTheOtherFiles(t *testing.T) {
	dir := t.TempDir()
	blocker := filepath.Join(dir, "a-file")
	if err := os.WriteFile(blocker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	o := Outputs{Format: "text", Files: []File{
		{Format: "junit", Path: filepath.Join(blocker, "r.xml")}, // under a file: cannot be made
		{Format: "json", Path: filepath.Join(dir, "r.json")},
		{Format: "markdown", Path: filepath.Join(dir, "r.md")},
	}}
	var stdout bytes.Buffer
	s, err := o.Stream(&stdout, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range richResults() {
		s.Add(r)
	}
	_, err = s.Close()
	if err == nil || !strings.Contains(err.Error(), "junit report") {
		t.Fatalf("Close() error = %v, want the junit report's", err)
	}
	for _, f := range o.Files[1:] {
		if data, err := os.ReadFile(f.Path); err != nil || len(data) == 0 {
			t.Errorf("%s report: %d bytes, %v; want it written", f.Format, len(data), err)
		}
	}
	if !strings.Contains(stdout.String(), "passed") {
		t.Errorf("stdout = %q, want the text report", stdout.String())
	}
}
