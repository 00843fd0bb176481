package reports

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/casebook-dev/casebook/internal/casefile"
	"github.com/casebook-dev/casebook/internal/results"
)

func failingResults() []*results.Result {
	return []*results.Result{
		{Case: &casefile.Case{Name: "ok"}, Status: results.Passed},
		{Case: &casefile.Case{Name: "bad"}, Status: results.Failed},
		{Case: &casefile.Case{Name: "not-run"}, Status: results.Skipped, Reason: "run interrupted"},
	}
}

func TestOutputsWriteFiles(t *testing.T) {
	dir := t.TempDir()
	junit, js := filepath.Join(dir, "out", "results.xml"), filepath.Join(dir, "report.json")
	var o Outputs
	require.NoError(t, o.SetFormat("json"))
	require.NoError(t, o.AddFile("junit="+junit))
	require.NoError(t, o.AddFile("json="+js))
	var stdout bytes.Buffer
	// Failing and interrupted cases: the reports are written all the same.
	require.NoError(t, o.Write(failingResults(), &stdout, Options{Color: true}))
	var rep JSONReport
	assert.NoError(t, json.Unmarshal(stdout.Bytes(), &rep), "stdout is the JSON report:\n%s", stdout.String())
	data, err := os.ReadFile(junit)
	if assert.NoError(t, err) {
		assert.Contains(t, string(data), `<testcase name="bad"`)
	}
	data, err = os.ReadFile(js)
	if assert.NoError(t, err) {
		assert.NotContains(t, string(data), "\x1b[", "colour in a file")
		assert.Contains(t, string(data), `"skipped": 1`)
	}
}

func TestOutputsRefuseUnknownFormats(t *testing.T) {
	var o Outputs
	assert.ErrorContains(t, o.SetFormat("yaml"), "unknown report format")
	for _, v := range []string{"junit", "xunit=out.xml", "junit="} {
		assert.Error(t, o.AddFile(v), "AddFile(%q)", v)
	}
	assert.Empty(t, o.Files)
}

func TestOutputsDefaultToText(t *testing.T) {
	var stdout bytes.Buffer
	require.NoError(t, (&Outputs{}).Write(failingResults(), &stdout, Options{}))
	assert.True(t, strings.HasSuffix(stdout.String(), "1 passed, 1 failed, 1 skipped\n"), stdout.String())
}

// TestOutputsCheckFiles: a report may not overwrite an input of the run,
// under any name, nor share its file with another report.
func TestOutputsCheckFiles(t *testing.T) {
	dir := t.TempDir()
	input := filepath.Join(dir, "case.yaml")
	require.NoError(t, os.WriteFile(input, []byte("x"), 0o644))
	require.NoError(t, os.Symlink(input, filepath.Join(dir, "link.yaml")))
	for _, tc := range []struct {
		name  string
		files []string
		want  string // "" for no error
	}{
		{"other files", []string{"json=" + filepath.Join(dir, "a.json"), "junit=" + filepath.Join(dir, "a.xml")}, ""},
		{"an input", []string{"json=" + input}, "--report json=" + input + " would overwrite " + input + ", which this run reads"},
		{"an input by another spelling", []string{"json=" + filepath.Join(dir, ".", "x", "..", "case.yaml")}, "which this run reads"},
		{"an input through a link", []string{"json=" + filepath.Join(dir, "link.yaml")}, "which this run reads"},
		{"one file twice", []string{"json=" + filepath.Join(dir, "r"), "junit=" + filepath.Join(dir, ".", "r")}, "name one file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var o Outputs
			for _, f := range tc.files {
				require.NoError(t, o.AddFile(f))
			}
			err := o.CheckFiles([]string{input})
			if tc.want == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}
