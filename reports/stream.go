package reports

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/casebook-dev/casebook/internal/results"
)

// Stream writes a run's reports as its results come, in case order, and
// keeps none of the results: each report writes its part of a case into
// a spool (a temporary file) when the case comes in, and Close writes the
// report from the spool and the little it counted (the summary, JUnit's
// suites). The reports are byte for byte those Write writes. A run of
// 100,000 cases then holds a few bytes per case, not the cases' results.
//
// Only text, json and junit are written so (Outputs.Streams); html,
// markdown and coverage read every result at once, and Write does.
type Stream struct {
	parts   []*streamPart
	stdout  io.Writer
	opts    Options
	n       int
	sum     results.Summary
	totalMs float64
}

// streamPart is one report: its spool and how its format fills it.
type streamPart struct {
	format, path string // path "" is stdout
	color        bool
	spool        *os.File
	w            *bufio.Writer
	written      int64
	err          error // the first error; the part writes nothing more
	f            spooler
}

// spooler is a format that can be written a case at a time.
type spooler interface {
	// add writes r's part of the report to w, the spool, which already
	// holds at bytes.
	add(w io.Writer, at int64, r *results.Result, p *streamPart, opts Options) error
	// finish writes the whole report to out from the spool.
	finish(out io.Writer, spool *os.File, s *Stream, p *streamPart) error
}

var spoolers = map[string]func() spooler{
	"text":  func() spooler { return &textSpooler{} },
	"json":  func() spooler { return newJSONSpooler() },
	"junit": func() spooler { return &junitSpooler{} },
}

// Streams reports whether every report of o can be written as the results
// come (see Stream): text, json and junit, without coverage.
func (o *Outputs) Streams(opts Options) bool {
	if opts.Coverage != nil {
		return false
	}
	for _, f := range append([]File{{Format: o.stdoutFormat()}}, o.Files...) {
		if spoolers[f.Format] == nil {
			return false
		}
	}
	return true
}

// Stream starts the reports of o (Streams must be true): files as Write
// writes them, then the stdout format on stdout, both when Close is called.
func (o *Outputs) Stream(stdout io.Writer, opts Options) (*Stream, error) {
	s := &Stream{stdout: stdout, opts: opts}
	all := append(append([]File(nil), o.Files...), File{Format: o.stdoutFormat()})
	for i, f := range all {
		newSpooler := spoolers[f.Format]
		if newSpooler == nil {
			s.remove()
			return nil, fmt.Errorf("%s report: cannot be written as the cases run", f.Format)
		}
		spool, err := os.CreateTemp("", "casebook-"+f.Format+"-*")
		if err != nil {
			s.remove()
			return nil, fmt.Errorf("%s report: %w", f.Format, err)
		}
		p := &streamPart{format: f.Format, path: f.Path, spool: spool, w: bufio.NewWriterSize(spool, 64<<10), f: newSpooler()}
		p.color = i == len(all)-1 && f.Format == "text" && opts.Color
		s.parts = append(s.parts, p)
	}
	return s, nil
}

func (o *Outputs) stdoutFormat() string {
	if o.Format == "" {
		return "text"
	}
	return o.Format
}

// Add writes r into every report. An error stays with its report and is
// returned by Close; the other reports go on.
func (s *Stream) Add(r *results.Result) {
	s.n++
	s.sum.Add(r)
	s.totalMs += durationMs(r.Duration)
	for _, p := range s.parts {
		if p.err != nil {
			continue
		}
		cw := &countingTo{w: p.w}
		p.err = p.f.add(cw, p.written, r, p, s.opts)
		p.written += cw.n
	}
}

// Close writes every report and removes the spools; it returns the run's
// summary and every error joined, as Write does.
func (s *Stream) Close() (results.Summary, error) {
	defer s.remove()
	var errs []error
	for _, p := range s.parts {
		if p.err == nil {
			p.err = p.w.Flush()
		}
		if p.err == nil {
			_, p.err = p.spool.Seek(0, io.SeekStart)
		}
		if p.path == "" {
			continue // stdout, last
		}
		if p.err != nil {
			errs = append(errs, fmt.Errorf("%s report %s: %w", p.format, p.path, p.err))
			continue
		}
		if err := writeFile(File{p.format, p.path}, func(w io.Writer) error { return p.f.finish(w, p.spool, s, p) }); err != nil {
			errs = append(errs, err)
		}
	}
	if p := s.parts[len(s.parts)-1]; p.err != nil {
		errs = append(errs, fmt.Errorf("%s report on stdout: %w", p.format, p.err))
	} else if err := p.f.finish(s.stdout, p.spool, s, p); err != nil {
		errs = append(errs, fmt.Errorf("%s report on stdout: %w", p.format, err))
	}
	return s.sum, errors.Join(errs...)
}

func (s *Stream) remove() {
	for _, p := range s.parts {
		p.spool.Close()
		os.Remove(p.spool.Name())
	}
}

type countingTo struct {
	w io.Writer
	n int64
}

func (c *countingTo) Write(b []byte) (int, error) {
	n, err := c.w.Write(b)
	c.n += int64(n)
	return n, err
}

// textSpooler spools each case's lines; the summary line comes last.
type textSpooler struct{}

func (textSpooler) add(w io.Writer, _ int64, r *results.Result, p *streamPart, opts Options) error {
	bw := bufio.NewWriter(w)
	(&textWriter{w: bw, color: p.color}).result(r, opts.Verbose)
	return bw.Flush()
}

func (textSpooler) finish(out io.Writer, spool *os.File, s *Stream, p *streamPart) error {
	if _, err := io.Copy(out, spool); err != nil {
		return err
	}
	bw := bufio.NewWriter(out)
	(&textWriter{w: bw, color: p.color}).summary(s.sum)
	return bw.Flush()
}

// jsonSpooler spools the cases of the list; the head, with the summary,
// is encoded at the end and written before them.
type jsonSpooler struct{ cw *jsonCaseWriter }

func newJSONSpooler() *jsonSpooler { return &jsonSpooler{cw: newJSONCaseWriter()} }

func (j *jsonSpooler) add(w io.Writer, _ int64, r *results.Result, _ *streamPart, _ Options) error {
	return j.cw.write(w, r)
}

func (j *jsonSpooler) finish(out io.Writer, spool *os.File, s *Stream, _ *streamPart) error {
	before, after, err := jsonFrame(jsonHeadOf(s.n, s.sum, s.totalMs, s.opts))
	if err != nil {
		return err
	}
	if _, err := io.WriteString(out, before); err != nil {
		return err
	}
	if _, err := io.Copy(out, spool); err != nil {
		return err
	}
	_, err = io.WriteString(out, j.cw.end()+after)
	return err
}

// junitSpooler spools each testcase (as JSON, one after another) and
// where it lies, by suite: a suite's cases are written together at the
// end, whatever order the folders came in.
type junitSpooler struct {
	doc   junitDoc
	spans [][]spoolSpan // by suite
}

type spoolSpan struct{ at, n int64 }

func (j *junitSpooler) add(w io.Writer, at int64, r *results.Result, _ *streamPart, _ Options) error {
	data, err := json.Marshal(junitCase(r, suiteName(r)))
	if err != nil {
		return err
	}
	i := j.doc.add(r)
	if i == len(j.spans) {
		j.spans = append(j.spans, nil)
	}
	j.spans[i] = append(j.spans[i], spoolSpan{at, int64(len(data))})
	_, err = w.Write(data)
	return err
}

func (j *junitSpooler) finish(out io.Writer, spool *os.File, _ *Stream, _ *streamPart) error {
	var buf []byte
	return j.doc.write(out, func(suite int, each func(JUnitTestCase) error) error {
		for _, sp := range j.spans[suite] {
			buf = append(buf[:0], make([]byte, sp.n)...)
			if _, err := spool.ReadAt(buf, sp.at); err != nil {
				return err
			}
			var tc JUnitTestCase
			if err := json.Unmarshal(buf, &tc); err != nil {
				return err
			}
			if err := each(tc); err != nil {
				return err
			}
		}
		return nil
	})
}
