package reports

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/casebook-dev/casebook/internal/casefile"
	"github.com/casebook-dev/casebook/internal/results"
)

func TestRelativeTo(t *testing.T) {
	dir := t.TempDir()
	c := &casefile.Case{Name: "c", Pos: casefile.Pos{File: filepath.Join(dir, "cases", "c.yaml"), Line: 1, Column: 1}}
	rs := []*results.Result{{Case: c, SpecPath: "/elsewhere/spec.yaml"}}
	got := RelativeTo(dir, rs)
	assert.Equal(t, "cases/c.yaml", got[0].Case.Pos.File)
	assert.Equal(t, "/elsewhere/spec.yaml", got[0].SpecPath, "a path outside dir stays as it is")
	assert.Equal(t, filepath.Join(dir, "cases", "c.yaml"), c.Pos.File, "the case itself is not changed")
}
