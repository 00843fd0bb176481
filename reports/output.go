package reports

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/casebook-dev/casebook/internal/atomicfile"
	"github.com/casebook-dev/casebook/internal/inputfile"
	"github.com/casebook-dev/casebook/internal/results"
)

// Outputs say where a run's reports go: one format on stdout and any
// number of files (casebook run's --format and repeated --report
// FORMAT=FILE). An unknown format is refused when it is set, before
// anything runs.
type Outputs struct {
	// Format is rendered on stdout ("" is text).
	Format string
	Files  []File
}

// File is a report written to Path in Format.
type File struct{ Format, Path string }

// SetFormat sets the stdout format (--format).
func (o *Outputs) SetFormat(format string) error {
	if _, err := Lookup(format); err != nil {
		return err
	}
	o.Format = format
	return nil
}

// AddFile adds a report file given as FORMAT=FILE (--report).
func (o *Outputs) AddFile(s string) error {
	format, path, ok := strings.Cut(s, "=")
	if !ok || path == "" {
		return fmt.Errorf("want FORMAT=FILE (e.g. junit=results.xml), got %q", s)
	}
	if _, err := Lookup(format); err != nil {
		return err
	}
	o.Files = append(o.Files, File{format, path})
	return nil
}

// CheckFiles refuses, before anything runs, a report file that is one of
// inputs, the files the run reads (the report would overwrite it: a case,
// a spec, casebook.yaml, an overlay), or the file of another report (one
// of the two would be lost). casebook import refuses to overwrite for the
// same reason.
func (o *Outputs) CheckFiles(inputs []string) error {
	for i, f := range o.Files {
		for _, prev := range o.Files[:i] {
			if inputfile.Same(prev.Path, f.Path) {
				return fmt.Errorf("--report %s=%s and --report %s=%s name one file: give each report its own", prev.Format, prev.Path, f.Format, f.Path)
			}
		}
		if in, ok := inputfile.Among(f.Path, inputs); ok {
			return fmt.Errorf("--report %s=%s would overwrite %s, which this run reads: choose another file", f.Format, f.Path, in)
		}
	}
	return nil
}

// Write renders rs: every file first (atomically, so a reader never sees
// half a report, and whatever the results, so a failing or interrupted
// run still leaves its reports), then the stdout format. Each file is
// rendered straight into its temporary file, never whole in memory. opts.Color
// applies to text on stdout only. It returns every error joined.
func (o *Outputs) Write(rs []*results.Result, stdout io.Writer, opts Options) error {
	var errs []error
	fileOpts := opts
	fileOpts.Color = false
	for _, f := range o.Files {
		render, _ := Lookup(f.Format)
		if err := writeFile(f, func(w io.Writer) error { return render(w, rs, fileOpts) }); err != nil {
			errs = append(errs, err)
		}
	}
	format := o.Format
	if format == "" {
		format = "text"
	}
	render, err := Lookup(format)
	if err != nil {
		return errors.Join(append(errs, err)...)
	}
	if format != "text" {
		opts.Color = false
	}
	if err := render(stdout, rs, opts); err != nil {
		errs = append(errs, fmt.Errorf("%s report on stdout: %w", format, err))
	}
	return errors.Join(errs...)
}

// writeFile writes a report file atomically with render; an error says
// whether rendering or writing failed.
func writeFile(f File, render func(io.Writer) error) error {
	var renderErr error
	err := atomicfile.WriteFunc(f.Path, func(w io.Writer) error {
		renderErr = render(w)
		return renderErr
	})
	switch {
	case renderErr != nil:
		return fmt.Errorf("%s report %s: %w", f.Format, f.Path, renderErr)
	case err != nil:
		return fmt.Errorf("%s report: %w", f.Format, err)
	}
	return nil
}
