package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/casebook-dev/casebook/internal/casefile"
	"github.com/casebook-dev/casebook/reports"
	"github.com/casebook-dev/casebook/runner"
)

// reportFlags are run's output flags: --format for stdout and repeated
// --report FORMAT=FILE. Unknown formats fail at flag parsing (exit 2),
// before anything runs.
type reportFlags struct {
	format  string
	reports []reportFile
}

type reportFile struct{ format, path string }

func (f *reportFlags) register(fs *flag.FlagSet) {
	f.format = "text"
	formats := strings.Join(reports.Formats(), "|")
	fs.Func("format", "report format on stdout: "+formats+" (default text)", func(s string) error {
		if _, err := reports.Lookup(s); err != nil {
			return err
		}
		f.format = s
		return nil
	})
	fs.Func("report", "also write a report to a file, as FORMAT=FILE (repeatable), e.g. --report junit=results.xml --report html=report.html", func(s string) error {
		format, path, ok := strings.Cut(s, "=")
		if !ok || path == "" {
			return fmt.Errorf("want FORMAT=FILE (e.g. junit=results.xml), got %q", s)
		}
		if _, err := reports.Lookup(format); err != nil {
			return err
		}
		f.reports = append(f.reports, reportFile{format, path})
		return nil
	})
}

// write renders the results: every --report file first (atomically, so a
// reader never sees half a report, and written whatever the results, so a
// failing or interrupted run still leaves its reports), then --format on
// stdout. opts.Color applies to stdout only. It returns every error joined.
func (f *reportFlags) write(results []*runner.Result, stdout io.Writer, opts reports.Options) error {
	var errs []error
	fileOpts := opts
	fileOpts.Color = false
	for _, rf := range f.reports {
		render, _ := reports.Lookup(rf.format)
		var buf bytes.Buffer
		if err := render(&buf, results, fileOpts); err != nil {
			errs = append(errs, fmt.Errorf("%s report %s: %w", rf.format, rf.path, err))
			continue
		}
		if err := writeFileAtomic(rf.path, buf.Bytes()); err != nil {
			errs = append(errs, fmt.Errorf("%s report: %w", rf.format, err))
		}
	}
	render, err := reports.Lookup(f.format)
	if err != nil {
		return errors.Join(append(errs, err)...)
	}
	if f.format != "text" {
		opts.Color = false
	}
	if err := render(stdout, results, opts); err != nil {
		errs = append(errs, fmt.Errorf("%s report on stdout: %w", f.format, err))
	}
	return errors.Join(errs...)
}

// writeFileAtomic writes data to a temporary file in path's folder and
// renames it over path: readers (a CI uploader, a browser) see the old file
// or the new one, never a torn one. The folder is created if missing.
func writeFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after a successful rename this fails harmlessly
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// selectFlags narrow a run: --tags, --skip-tags, --shard i/n.
type selectFlags struct {
	sel runner.Selection
}

func (f *selectFlags) register(fs *flag.FlagSet) {
	fs.Func("tags", "run only cases with one of these tags (comma-separated, repeatable)", func(s string) error {
		f.sel.Tags = append(f.sel.Tags, splitList(s)...)
		return nil
	})
	fs.Func("skip-tags", "skip cases with any of these tags (comma-separated, repeatable; wins over --tags)", func(s string) error {
		f.sel.SkipTags = append(f.sel.SkipTags, splitList(s)...)
		return nil
	})
	fs.Func("shard", "run part i of n of the cases, e.g. 2/4 (1-based; each case lands in exactly one part, by a hash of its name)", func(s string) error {
		sh, err := runner.ParseShard(s)
		if err != nil {
			return errors.New(strings.TrimPrefix(err.Error(), fmt.Sprintf("--shard %q: ", s)))
		}
		f.sel.Shard = sh
		return nil
	})
}

// apply returns the cases the flags keep; an unknown tag is a
// *runner.UsageError (exit 2).
func (f *selectFlags) apply(cases []*casefile.Case) ([]*casefile.Case, error) {
	return runner.Select(cases, f.sel)
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
