package config

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/casebook-dev/casebook/internal/casefile"
)

// SpecResolver resolves the spec paths of the cases of one load. It reads
// the working directory once, and makes each distinct spec path relative
// to it and looks for the file once: per case, that was two Getwd (each a
// stat of "." and of $PWD) and a stat of the spec, ~1.5% of a
// 100,000-case run. A spec created or deleted while the cases load is seen
// as it was when a case first named it. Safe for concurrent use.
type SpecResolver struct {
	cfg   *Config
	wd    string // "": unknown, case files stay as named
	mu    sync.Mutex
	paths map[string]resolvedSpec // by the path before RelToWorkDir
}

type resolvedSpec struct {
	path   string // RelToWorkDir of the key
	exists bool
}

// SpecResolver is a resolver for one load of cases under c.
func (c *Config) SpecResolver() *SpecResolver {
	wd, _ := os.Getwd()
	return &SpecResolver{cfg: c, wd: wd, paths: map[string]resolvedSpec{}}
}

// Resolve sets c.SpecPath: the case's spec:, relative to its file, else
// the spec the config maps its folder to; an error when there is none or
// it is not a file that exists.
func (r *SpecResolver) Resolve(c *casefile.Case) *casefile.Error {
	switch {
	case filepath.IsAbs(c.Spec):
		c.SpecPath = c.Spec
	case c.Spec != "":
		c.SpecPath = filepath.Join(filepath.Dir(c.Pos.File), c.Spec)
	default:
		c.SpecPath = r.cfg.SpecFor(r.abs(c.Pos.File))
	}
	if c.SpecPath == "" {
		return &casefile.Error{Pos: c.Pos, Case: c.Name, Msg: "no spec: name one with spec: or map this folder to a spec in " + File}
	}
	s := r.lookup(c.SpecPath)
	c.SpecPath = s.path
	if !s.exists {
		return &casefile.Error{Pos: c.FieldPos("spec"), Case: c.Name, Field: "spec", Msg: fmt.Sprintf("unknown spec file %s", c.SpecPath)}
	}
	return nil
}

// abs is file made absolute against the working directory read once
// (filepath.Abs reads it on every call); as it is when that is unknown.
func (r *SpecResolver) abs(file string) string {
	if filepath.IsAbs(file) || r.wd == "" {
		return file
	}
	return filepath.Join(r.wd, file)
}

func (r *SpecResolver) lookup(path string) resolvedSpec {
	r.mu.Lock()
	defer r.mu.Unlock()
	s, ok := r.paths[path]
	if !ok {
		s.path = RelToWorkDir(path)
		_, err := os.Stat(s.path)
		s.exists = err == nil
		r.paths[path] = s
	}
	return s
}
