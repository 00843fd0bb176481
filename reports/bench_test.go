package reports

import (
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/casebook-dev/casebook/internal/casefile"
	"github.com/casebook-dev/casebook/internal/results"
)

// manyResults is n copies of the rich sample, renamed: a large suite.
func manyResults(n int) []*results.Result {
	var out []*results.Result
	for i := 0; len(out) < n; i++ {
		for _, r := range richResults() {
			c := *r.Case
			c.Name = fmt.Sprintf("%s-%d", c.Name, i)
			r.Case = &c
			out = append(out, r)
		}
	}
	return out[:n]
}

// BenchmarkRenderers renders 1,000 results in each format.
func BenchmarkRenderers(b *testing.B) {
	rs := manyResults(1000)
	for _, name := range Formats() {
		render, _ := Lookup(name)
		b.Run(name, func(b *testing.B) {
			cw := &countingWriter{}
			for b.Loop() {
				cw.n = 0
				if err := render(cw, rs, Options{}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(cw.n), "bytes/report")
		})
	}
}

type countingWriter struct{ n int }

func (c *countingWriter) Write(p []byte) (int, error) { c.n += len(p); return len(p), nil }

var _ io.Writer = (*countingWriter)(nil)

// BenchmarkStream writes 1,000 results in a JSON file, a JUnit file and
// JSON on stdout, as Outputs.Write does with every result in hand
// ("write") and as a streamed run does, a result at a time, spooled and
// then assembled ("stream"): the ratio is what streaming costs in time.
// "json" streams the JSON report alone.
func BenchmarkStream(b *testing.B) {
	rs := manyResults(1000)
	dir := b.TempDir()
	o := Outputs{Format: "json", Files: []File{
		{Format: "junit", Path: filepath.Join(dir, "r.xml")}, {Format: "json", Path: filepath.Join(dir, "r.json")}}}
	b.Run("write", benchWrite(o, rs))
	b.Run("json", benchStream(Outputs{Format: "json"}, rs)) // the JSON report alone: its cost per case
	b.Run("stream", benchStream(o, rs))
}

// BenchmarkStreamFormats writes 1,000 results in each format on stdout,
// from every result in hand ("write") and a result at a time ("stream").
func BenchmarkStreamFormats(b *testing.B) {
	rs := manyResults(1000)
	for _, f := range Formats() {
		b.Run(f+"/write", benchWrite(Outputs{Format: f}, rs))
		b.Run(f+"/stream", benchStream(Outputs{Format: f}, rs))
	}
}

// BenchmarkJUnitPassing streams the JUnit report of 1,000 passing
// results in two folders, as bench/scale.sh's run makes them: no
// failure, no system-out, the case a testcase's cost is mostly.
func BenchmarkJUnitPassing(b *testing.B) {
	var rs []*results.Result
	for i := range 1000 {
		dir := []string{"personal-connection", "genesys-cloud"}[i%2]
		name := fmt.Sprintf("pc-correct-call-%06d", i)
		rs = append(rs, &results.Result{Case: &casefile.Case{Name: name, Pos: casefile.Pos{File: "cases/" + dir + "/" + name + ".yaml", Line: 1}},
			Status: results.Passed, Duration: 1234567 * time.Nanosecond, SpecPath: "specs/" + dir + ".yaml"})
	}
	b.Run("stream", benchStream(Outputs{Format: "junit"}, rs))
}

// benchWrite writes o's reports of rs with Outputs.Write.
func benchWrite(o Outputs, rs []*results.Result) func(*testing.B) {
	return func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := o.Write(rs, &countingWriter{}, Options{}); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// benchStream writes o's reports of rs with a Stream, a result at a time.
func benchStream(o Outputs, rs []*results.Result) func(*testing.B) {
	return func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			s, err := o.Stream(&countingWriter{}, Options{})
			if err != nil {
				b.Fatal(err)
			}
			for _, r := range rs {
				s.Add(r)
			}
			if _, err := s.Close(); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkStreamHolds streams 10,000 and 100,000 results (made one at a
// time and dropped) into every format at once, with coverage, and reports
// the live heap just before Close against before the first: what the
// reports hold per case, which must not grow with the number of cases
// (html and markdown keep each case's name and where its parts lie in the
// spool, a few dozen bytes).
func BenchmarkStreamHolds(b *testing.B) {
	for _, n := range []int{10000, 100000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			dir := b.TempDir()
			o := Outputs{Format: "text"}
			for _, f := range Formats() {
				o.Files = append(o.Files, File{Format: f, Path: filepath.Join(dir, "r."+f)})
			}
			for b.Loop() {
				s, err := o.Stream(&countingWriter{}, Options{})
				if err != nil {
					b.Fatal(err)
				}
				before := liveHeap()
				for i := range n {
					rich := richResults()
					r := rich[i%len(rich)]
					c := *r.Case
					c.Name = fmt.Sprintf("%s-%d", c.Name, i)
					if c.FixedBy != "" {
						c.FixedBy = fmt.Sprintf("%s-%d", c.FixedBy, i+1) // the next case's name
					}
					r.Case = &c
					s.Add(r)
				}
				held := liveHeap() - before
				s.SetCoverage(sampleCoverage())
				if _, err := s.Close(); err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(held)/float64(n), "heap-B/case")
				b.ReportMetric(float64(held)/(1<<20), "heap-MB")
			}
		})
	}
}

func liveHeap() int64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}
