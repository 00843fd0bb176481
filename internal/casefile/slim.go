package casefile

import (
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
		data = make([]byte, sp.n)
		if _, err := sp.spool.f.ReadAt(data, sp.at); err != nil {
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
// (Windows), or there is no temporary folder, or a write fails, the packs
// are held in memory as Slim holds them. It is safe for concurrent use.
type Spool struct {
	f    *os.File // nil: in memory
	mu   sync.Mutex
	size int64
}

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
	data, err := pack(c)
	if err != nil {
		return c
	}
	s.mu.Lock()
	at := s.size
	s.size += int64(len(data))
	s.mu.Unlock()
	out := slimOf(c)
	if _, err := s.f.WriteAt(data, at); err != nil {
		out.packed = data // a full disk: this one in memory
		return out
	}
	out.spooled = &spooled{spool: s, at: at, n: len(data)}
	return out
}
