package reports

import (
	"path/filepath"
	"strings"

	"github.com/casebook-dev/casebook/internal/results"
)

// RelativeTo returns copies of rs whose case file and spec paths are
// relative to dir (the config's folder), with forward slashes, so a report
// reads the same on every machine and CI annotations find the files. The
// results and their cases are copied, not changed.
func RelativeTo(dir string, rs []*results.Result) []*results.Result {
	out := make([]*results.Result, len(rs))
	for i, res := range rs {
		cp := *res
		c := *res.Case
		c.Pos.File = relTo(dir, c.Pos.File)
		cp.Case = &c
		cp.SpecPath = relTo(dir, res.SpecPath)
		out[i] = &cp
	}
	return out
}

// relTo is p relative to dir; p itself when it is not below dir.
func relTo(dir, p string) string {
	if p == "" {
		return p
	}
	rel, err := filepath.Rel(absPath(dir), absPath(p))
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return filepath.ToSlash(p)
	}
	return filepath.ToSlash(rel)
}

func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}
