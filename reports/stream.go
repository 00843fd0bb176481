package reports

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"sync"

	"github.com/casebook-dev/casebook/internal/results"
)

// Stream writes a run's reports as its results come, in case order, and
// keeps none of the results: each report writes its part of a case into
// a spool (a temporary file) when the case comes in, and Close writes the
// report from the spool and the little it counted (the summary, JUnit's
// suites, HTML's tags; what has to be written before the cases or needs a
// case that comes later). The reports are byte for byte those Write
// writes. A run of 100,000 cases then holds some 200-250 bytes per case
// with every format at once (BenchmarkStreamHolds: names for fixedBy links,
// where each part lies in a spool), not the cases' results.
//
// The coverage (Options.Coverage), known only when every case has run,
// is given to SetCoverage before Close.
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
	cw           countingTo // what Add counts a case's bytes with
	removed      bool       // the spool is gone
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
	"text":     func() spooler { return &textSpooler{} },
	"json":     func() spooler { return newJSONSpooler() },
	"junit":    func() spooler { return &junitSpooler{} },
	"html":     func() spooler { return newHTMLSpooler() },
	"markdown": func() spooler { return newMDSpooler() },
}

// Streams reports whether every report of o can be written as the results
// come (see Stream): every format casebook has can; one registered
// without a spooler cannot.
func (o *Outputs) Streams() bool {
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
		p.cw = countingTo{w: p.w} // p's, not a new one per case
		p.err = p.f.add(&p.cw, p.written, r, p, s.opts)
		p.written += p.cw.n
	}
}

// SetCoverage sets the run's coverage (Options.Coverage), which the
// reports that show it render when Close writes them.
func (s *Stream) SetCoverage(cv *results.Coverage) { s.opts.Coverage = cv }

// Close writes every report and removes the spools; it returns the run's
// summary and every error joined, as Write does. The files are written
// at once, each from its own spool (a 100,000-case run's JSON report is
// half a gigabyte to copy and sync: the other files need not wait for
// it), then the stdout format.
func (s *Stream) Close() (results.Summary, error) {
	defer s.remove()
	files, stdout := s.parts[:len(s.parts)-1], s.parts[len(s.parts)-1]
	errs := make([]error, len(files)+1)
	var wg sync.WaitGroup
	for i, p := range files {
		wg.Go(func() { errs[i] = s.closeFile(p) })
	}
	wg.Wait()
	if stdout.err == nil {
		stdout.err = stdout.w.Flush()
	}
	if stdout.err == nil {
		_, stdout.err = stdout.spool.Seek(0, io.SeekStart)
	}
	if stdout.err != nil {
		errs[len(files)] = fmt.Errorf("%s report on stdout: %w", stdout.format, stdout.err)
	} else if err := stdout.f.finish(s.stdout, stdout.spool, s, stdout); err != nil {
		errs[len(files)] = fmt.Errorf("%s report on stdout: %w", stdout.format, err)
	}
	return s.sum, errors.Join(errs...)
}

// closeFile writes the report file of p from its spool, then removes the
// spool.
func (s *Stream) closeFile(p *streamPart) error {
	defer p.removeSpool()
	if p.err == nil {
		p.err = p.w.Flush()
	}
	if p.err == nil {
		_, p.err = p.spool.Seek(0, io.SeekStart)
	}
	if p.err != nil {
		return fmt.Errorf("%s report %s: %w", p.format, p.path, p.err)
	}
	return writeFile(File{p.format, p.path}, func(w io.Writer) error { return p.f.finish(w, p.spool, s, p) })
}

func (s *Stream) remove() {
	for _, p := range s.parts {
		p.removeSpool()
	}
}

func (p *streamPart) removeSpool() {
	if !p.removed {
		p.removed = true
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

// textSpooler spools each case's lines; the summary line comes last. Its
// buffer serves every case (a new one was 4 KB allocated per case).
type textSpooler struct{ bw *bufio.Writer }

func (t *textSpooler) add(w io.Writer, _ int64, r *results.Result, p *streamPart, opts Options) error {
	if t.bw == nil {
		t.bw = bufio.NewWriter(w)
	}
	t.bw.Reset(w)
	(&textWriter{w: t.bw, color: p.color}).result(r, opts.Verbose)
	return t.bw.Flush()
}

func (*textSpooler) finish(out io.Writer, spool *os.File, s *Stream, p *streamPart) error {
	if _, err := io.Copy(out, spool); err != nil {
		return err
	}
	bw := bufio.NewWriter(out)
	t := &textWriter{w: bw, color: p.color}
	if s.opts.Coverage != nil {
		t.coverage(s.opts.Coverage)
	}
	t.summary(s.sum)
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

// junitSpooler spools each testcase (its final XML, one after another)
// and where it lies, by suite: a suite's cases are written together at
// the end, whatever order the folders came in.
type junitSpooler struct {
	doc   junitDoc
	spans [][]spoolSpan // by suite
	enc   junitCaseEncoder
}

type spoolSpan struct{ at, n int64 }

func (j *junitSpooler) add(w io.Writer, at int64, r *results.Result, _ *streamPart, _ Options) error {
	data, err := j.enc.encode(junitCase(r, suiteName(r)))
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

// finish reads a suite's testcases from the spool a run at a time: the
// cases that lie one after another there (all of a suite's, when the
// folders came one after the other), up to junitReadRun bytes, in one
// read, not a read per case (100,000 system calls for 100,000 cases).
func (j *junitSpooler) finish(out io.Writer, spool *os.File, _ *Stream, _ *streamPart) error {
	var buf []byte
	return j.doc.write(out, func(suite int, each func([]byte) error) error {
		for spans := j.spans[suite]; len(spans) > 0; {
			n, size := 1, spans[0].n
			for n < len(spans) && spans[n].at == spans[n-1].at+spans[n-1].n && size+spans[n].n <= junitReadRun {
				size += spans[n].n
				n++
			}
			if int64(cap(buf)) < size {
				buf = make([]byte, size)
			}
			if _, err := spool.ReadAt(buf[:size], spans[0].at); err != nil {
				return err
			}
			var off int64
			for _, sp := range spans[:n] {
				if err := each(buf[off : off+sp.n]); err != nil {
					return err
				}
				off += sp.n
			}
			spans = spans[n:]
		}
		return nil
	})
}

// junitReadRun is the most finish reads from the spool at once (a
// variable for TestJUnitReadsRuns).
var junitReadRun int64 = 1 << 20

// htmlSpooler spools each case's section. The head (summary, filters by
// status and tag, coverage) is written at the end, before them; so is
// each case's fixed-by line, whose link needs the section of the case it
// names, which may come later. It holds each case's name and number (for
// those links) and where each fixed-by line goes: about 120 bytes per case
// (BenchmarkStreamHolds).
type htmlSpooler struct {
	n       int
	ids     map[string]int // case name -> its number (section id "case-N"); the last case of a name, as Write
	tags    map[string]int
	seconds float64
	fixedBy []htmlFixedBy // in spool order
}

// htmlFixedBy is a fixed-by line left out of the spool at offset at.
type htmlFixedBy struct {
	at   int64
	name string
}

func newHTMLSpooler() *htmlSpooler {
	return &htmlSpooler{ids: map[string]int{}, tags: map[string]int{}}
}

func (h *htmlSpooler) add(w io.Writer, at int64, r *results.Result, _ *streamPart, _ Options) error {
	h.n++
	id := "case-" + strconv.Itoa(h.n)
	h.ids[r.Case.Name] = h.n
	h.seconds += r.Duration.Seconds()
	for _, t := range r.Case.Tags {
		h.tags[t]++
	}
	hc := htmlCaseOf(r, id)
	cw := &countingTo{w: w}
	if err := htmlTemplate.ExecuteTemplate(cw, "case top", hc); err != nil {
		return err
	}
	if hc.FixedBy != "" {
		h.fixedBy = append(h.fixedBy, htmlFixedBy{at + cw.n, hc.FixedBy})
	}
	return htmlTemplate.ExecuteTemplate(cw, "case rest", hc)
}

func (h *htmlSpooler) finish(out io.Writer, spool *os.File, s *Stream, _ *streamPart) error {
	bw := bufio.NewWriter(out)
	page := newHTMLHead(s.n, s.sum, h.seconds, h.tags, s.opts)
	if err := htmlTemplate.ExecuteTemplate(bw, "head", page); err != nil {
		return err
	}
	var pos int64
	for _, fb := range h.fixedBy {
		if _, err := io.CopyN(bw, spool, fb.at-pos); err != nil {
			return err
		}
		pos = fb.at
		line := htmlCase{FixedBy: fb.name}
		if n, ok := h.ids[fb.name]; ok {
			line.FixedByID = "case-" + strconv.Itoa(n)
		}
		if err := htmlTemplate.ExecuteTemplate(bw, "fixed by", line); err != nil {
			return err
		}
	}
	if _, err := io.Copy(bw, spool); err != nil {
		return err
	}
	if s.n == 0 {
		if err := htmlTemplate.ExecuteTemplate(bw, "no cases", nil); err != nil {
			return err
		}
	}
	if err := htmlTemplate.ExecuteTemplate(bw, "tail", page); err != nil {
		return err
	}
	return bw.Flush()
}

// mdSpooler spools, for each case, what it shows as another's right
// request and, for a case with a pitfall, its line of the index and its
// entry; the catalogue is laid out at the end from the spool, once every
// fixedBy is known (a case named as a fix is no entry of its own). It
// holds each case's name and where its parts lie, and of a case with a
// pitfall its folder and verification: about 160 bytes per case.
type mdSpooler struct {
	bw      *bufio.Writer
	fixes   map[string]bool      // names given as fixedBy
	asFix   map[string]spoolSpan // case name -> what it shows as a right request; the last case of a name, as Write
	entries []mdEntry            // every case with a pitfall, fixes included
	spooled []mdSpooled          // entries' parts
	folders map[string]string    // each folder's string once
}

type mdSpooled struct {
	name, fixedBy string
	index, entry  spoolSpan
}

func newMDSpooler() *mdSpooler {
	return &mdSpooler{bw: bufio.NewWriter(nil), fixes: map[string]bool{}, asFix: map[string]spoolSpan{}, folders: map[string]string{}}
}

func (d *mdSpooler) add(w io.Writer, at int64, r *results.Result, _ *streamPart, _ Options) error {
	cw := &countingTo{w: w}
	d.bw.Reset(cw)
	m := &mdWriter{w: d.bw}
	part := func(write func()) (spoolSpan, error) {
		from := cw.n
		write()
		err := d.bw.Flush()
		return spoolSpan{at + from, cw.n - from}, err
	}
	c := r.Case
	fix, err := part(func() { m.fix(r) })
	if err != nil {
		return err
	}
	d.asFix[c.Name] = fix
	if c.FixedBy != "" {
		d.fixes[c.FixedBy] = true
	}
	e, ok := mdEntryOf(r, nil) // whether it is a fix is known at the end
	if !ok {
		return nil
	}
	if f, ok := d.folders[e.folder]; ok {
		e.folder = f
	} else {
		d.folders[e.folder] = e.folder
	}
	sp := mdSpooled{name: c.Name, fixedBy: c.FixedBy}
	if sp.index, err = part(func() { m.indexLine(c) }); err != nil {
		return err
	}
	if sp.entry, err = part(func() { m.entry(r) }); err != nil {
		return err
	}
	d.entries, d.spooled = append(d.entries, e), append(d.spooled, sp)
	return nil
}

func (d *mdSpooler) finish(out io.Writer, spool *os.File, _ *Stream, _ *streamPart) error {
	bw := bufio.NewWriter(out)
	m := &mdWriter{w: bw}
	var es []mdEntry
	var sps []mdSpooled
	for i, sp := range d.spooled {
		if !d.fixes[sp.name] {
			es, sps = append(es, d.entries[i]), append(sps, sp)
		}
	}
	copySpan := func(sp spoolSpan) error {
		_, err := io.Copy(bw, io.NewSectionReader(spool, sp.at, sp.n))
		return err
	}
	err := m.catalogue(es, func(i int) error { return copySpan(sps[i].index) }, func(i int) error {
		if err := copySpan(sps[i].entry); err != nil {
			return err
		}
		fix, ran := d.asFix[sps[i].fixedBy]
		return m.rightRequest(es[i].correct, sps[i].fixedBy, ran, func() error { return copySpan(fix) })
	})
	if err != nil {
		return err
	}
	return bw.Flush()
}
