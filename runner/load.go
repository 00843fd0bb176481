package runner

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/casebook-dev/casebook/internal/casefile"
	"github.com/casebook-dev/casebook/internal/config"
	"github.com/casebook-dev/casebook/internal/suggest"
)

// LoadCases reads the cases in paths (files, or folders searched recursively
// for *.yaml and *.yml) and resolves each case's spec. Every problem in every
// file is reported together as a casefile.ErrorList.
func LoadCases(cfg *Config, paths []string) ([]*casefile.Case, error) {
	return loadCases(cfg, paths, nil)
}

// loadCases is LoadCases; keep, when set, is what is kept of each case.
// The files are read and decoded in parallel (decoding is most of a
// large run's load); names are then checked in file order, so the errors
// and the cases come in the order a sequential read gives.
func loadCases(cfg *Config, paths []string, keep func(*Case) *Case) ([]*casefile.Case, error) {
	files, err := caseFiles(paths)
	if err != nil {
		return nil, err
	}
	read := readCaseFiles(cfg.SpecResolver(), files, keep)
	var (
		all  []*casefile.Case
		errs casefile.ErrorList
		seen = map[string]casefile.Pos{}
	)
	for _, f := range read {
		errs = append(errs, f.errs...)
		for i, c := range f.cases {
			if prev, dup := seen[c.Name]; dup {
				errs = append(errs, &casefile.Error{Pos: c.Pos, Case: c.Name, Msg: "another case has this name, at " + prev.String()})
				continue
			}
			seen[c.Name] = c.Pos
			if err := f.specErrs[i]; err != nil {
				errs = append(errs, err)
				continue
			}
			all = append(all, c)
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return all, nil
}

// readFile is one case file read: its cases (what keep kept of them) and,
// for each, the error resolving its spec (nil: none); or its errors.
type readFile struct {
	cases    []*casefile.Case
	specErrs []*casefile.Error
	errs     casefile.ErrorList
}

// readCaseFiles reads and decodes files on every CPU, results in file order.
func readCaseFiles(specs *config.SpecResolver, files []string, keep func(*Case) *Case) []readFile {
	out := make([]readFile, len(files))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(files)) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < len(files); i = int(next.Add(1) - 1) {
				out[i] = readCaseFile(specs, files[i], keep)
			}
		})
	}
	wg.Wait()
	return out
}

func readCaseFile(specs *config.SpecResolver, file string, keep func(*Case) *Case) readFile {
	cases, err := casefile.ReadFile(file)
	var list casefile.ErrorList
	if errors.As(err, &list) {
		return readFile{errs: list}
	}
	specErrs := make([]*casefile.Error, len(cases))
	for i, c := range cases {
		specErrs[i] = specs.Resolve(c)
		if keep != nil {
			cases[i] = keep(c)
		}
	}
	return readFile{cases: cases, specErrs: specErrs}
}

// caseFiles expands folders into their YAML files, sorted, so runs are deterministic.
func caseFiles(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, &UsageError{Msg: fmt.Sprintf("no such case file or folder: %s", p)}
		}
		if !info.IsDir() {
			out = append(out, p)
			continue
		}
		var found []string
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && (strings.HasSuffix(path, ".yaml") || strings.HasSuffix(path, ".yml")) {
				found = append(found, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		slices.Sort(found)
		out = append(out, found...)
	}
	return out, nil
}

// FindCases resolves each argument to cases: a case file (all its cases),
// or the name of a case in the config's suites. An unknown name is a
// *UsageError with the nearest name.
func FindCases(cfg *Config, args []string) ([]*Case, error) {
	var out []*Case
	var byName map[string]*Case
	for _, a := range args {
		if info, err := os.Stat(a); err == nil && !info.IsDir() {
			cs, err := LoadCases(cfg, []string{a})
			if err != nil {
				return nil, err
			}
			out = append(out, cs...)
			continue
		}
		if byName == nil {
			all, err := LoadCases(cfg, cfg.DefaultPaths())
			if err != nil {
				return nil, err
			}
			byName = map[string]*Case{}
			for _, c := range all {
				byName[c.Name] = c
			}
		}
		c, ok := byName[a]
		if !ok {
			return nil, &UsageError{Msg: fmt.Sprintf("no case named %q%s", a, suggest.Hint(a, slices.Sorted(maps.Keys(byName))))}
		}
		out = append(out, c)
	}
	return out, nil
}
