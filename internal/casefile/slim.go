package casefile

import (
	"bytes"
	"fmt"
	"os"
	"runtime"
	"sync"
)

// Slim is what a run holds of c until it starts it: what selects it (name,
// tags), where it is (its file and position) and its spec as fields, and
// the whole case packed into bytes (pack.go). A whole case holds its
// bodies as maps and the position of every field: several KB, 100,000 of
// them most of a GB; its pack is about 1.3 KB, which the garbage collector
// does not scan, and a Spool keeps it on disk instead. Whole gives the
// whole case back without reading the case file again: a case is decoded
// once, and a file edited while a run goes on changes nothing in it.
func Slim(c *Case) *Case {
	data, err := pack(c)
	if err != nil {
		return c // a field of a kind pack does not know: kept whole
	}
	s := slimOf(c)
	s.packed = data
	return s
}

func slimOf(c *Case) *Case {
	return &Case{Name: c.Name, Tags: c.Tags, Spec: c.Spec, Pos: c.Pos, SpecPath: c.SpecPath}
}

// spooled is where a slim case's pack is in its spool.
type spooled struct {
	spool *Spool
	at    int64
	n     int
}

// Whole returns the whole case of a slim one (Slim, Spool.Slim), a new
// copy on each call; a case that is not slim is returned as it is. The
// error (a pack that cannot be read back or does not unpack) is not the
// case's; slim is returned with it, to name the case.
func Whole(slim *Case) (*Case, error) {
	data := slim.packed
	if sp := slim.spooled; sp != nil {
		var err error
		if data, err = sp.spool.read(sp.at, sp.n); err != nil {
			return slim, fmt.Errorf("%s: case %s: reading it back from casebook's temporary file: %w", slim.Pos, slim.Name, err)
		}
	}
	if data == nil {
		return slim, nil
	}
	c, err := unpack(slim, data)
	if err != nil {
		return slim, fmt.Errorf("%s: case %s: %w", slim.Pos, slim.Name, err)
	}
	c.SpecPath = slim.SpecPath
	return c, nil
}

// Spool keeps the packs of slim cases in a temporary file, not in
// memory: a run of 100,000 cases then holds about 600 bytes per case (the
// slim fields) instead of 2 KB, its memory a third. The file is removed
// as soon as it is created (it lives while casebook holds it open), so
// nothing is left behind however the run ends; where that cannot be done
// (Windows), or there is no temporary folder, the packs are held in
// memory as Slim holds them. Packs are written spoolChunk at a time (a
// system call per pack was 2% of a run), and a chunk whose write fails
// is kept in memory. It is safe for concurrent use.
type Spool struct {
	f    *os.File // nil: in memory
	mu   sync.Mutex
	size int64 // the bytes of packs taken so far: the file's, then pending's
	// pending are the last packs taken, not yet written: they start at
	// size-len(pending) in the file.
	pending []byte
	kept    []spoolRead // chunks whose write failed
	last    spoolRead   // the chunk read from the file last
}

// spoolRead is a chunk of packs in memory, and where it starts.
type spoolRead struct {
	at   int64
	data []byte
}

// spoolChunk is how many bytes of packs a spool writes at once.
const spoolChunk = 64 << 10

// NewSpool opens a spool: a temporary file, else memory.
func NewSpool() *Spool {
	f, err := os.CreateTemp("", "casebook-cases-*")
	if err != nil {
		return &Spool{}
	}
	if err := os.Remove(f.Name()); err != nil {
		f.Close()
		os.Remove(f.Name())
		return &Spool{}
	}
	s := &Spool{f: f}
	runtime.AddCleanup(s, func(f *os.File) { f.Close() }, f) // when its last slim case is let go
	return s
}

// Slim is casefile.Slim, the pack written to the spool.
func (s *Spool) Slim(c *Case) *Case {
	if s.f == nil {
		return Slim(c)
	}
	out := slimOf(c)
	if err := packWith(c, func(data []byte) { out.spooled = &spooled{spool: s, at: s.add(data), n: len(data)} }); err != nil {
		return c
	}
	return out
}

// add takes a pack and returns where it starts, writing the pending
// packs when they fill a chunk.
func (s *Spool) add(data []byte) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	at := s.size
	s.size += int64(len(data))
	s.pending = append(s.pending, data...)
	if len(s.pending) >= spoolChunk {
		start := s.size - int64(len(s.pending))
		if _, err := s.f.WriteAt(s.pending, start); err != nil {
			s.kept = append(s.kept, spoolRead{start, s.pending}) // a full disk: this chunk in memory
			s.pending = nil
		} else {
			s.pending = s.pending[:0]
		}
	}
	return at
}

// read returns a copy of the n bytes of packs at at: from the pending
// packs, a chunk kept in memory, the chunk read last, or the file. Cases
// run in about the order they were spooled, so a chunk read from the file
// serves the packs after the one asked for (a system call per pack was
// 1% of a run).
func (s *Spool) read(at int64, n int) ([]byte, error) {
	s.mu.Lock()
	written := s.size - int64(len(s.pending))
	if at >= written {
		defer s.mu.Unlock()
		return bytes.Clone(s.pending[at-written : at-written+int64(n)]), nil
	}
	for _, c := range s.kept {
		if data, ok := c.slice(at, n); ok {
			s.mu.Unlock()
			return bytes.Clone(data), nil
		}
	}
	if data, ok := s.last.slice(at, n); ok {
		s.mu.Unlock()
		return data, nil // the chunk is never written to: no copy
	}
	s.mu.Unlock()
	chunk := make([]byte, max(n, int(min(spoolChunk, written-at))))
	got, err := s.f.ReadAt(chunk, at)
	if got < n {
		return nil, err
	}
	s.mu.Lock()
	s.last = spoolRead{at: at, data: chunk[:got]}
	s.mu.Unlock()
	return chunk[:n:n], nil
}

// slice returns the n bytes at at, if the chunk holds them.
func (c spoolRead) slice(at int64, n int) ([]byte, bool) {
	if at < c.at || at+int64(n) > c.at+int64(len(c.data)) {
		return nil, false
	}
	return c.data[at-c.at : at-c.at+int64(n) : at-c.at+int64(n)], true
}
