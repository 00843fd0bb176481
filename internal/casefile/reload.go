package casefile

import (
	"fmt"
	"sync"
)

// Slim is what a run needs of c before it starts it: what selects it
// (name, tags), where it is (its file and position, to read it again) and
// its spec. A whole case holds its bodies as maps and the position of every
// field: several KB, 100,000 of them most of a GB; a slim one a few hundred
// bytes. A Reloader gives the whole case back.
func Slim(c *Case) *Case {
	return &Case{Name: c.Name, Tags: c.Tags, Spec: c.Spec, Pos: c.Pos, SpecPath: c.SpecPath}
}

// Reloader gives back the whole case of a slim one by decoding its file
// again: once per file, whose cases it holds only until each of them has
// been asked for. It is safe for concurrent use.
type Reloader struct {
	mu    sync.Mutex
	files map[string]*reloadFile
}

type reloadFile struct {
	once  sync.Once
	cases map[Pos]*Case
	err   error
	left  int // cases not yet asked for
}

// NewReloader returns a reloader for exactly the slim cases of a run: each
// is asked for once.
func NewReloader(slim []*Case) *Reloader {
	l := &Reloader{files: map[string]*reloadFile{}}
	for _, c := range slim {
		f := l.files[c.Pos.File]
		if f == nil {
			f = &reloadFile{}
			l.files[c.Pos.File] = f
		}
		f.left++
	}
	return l
}

// Case returns the whole case of slim. A file that no longer decodes, or
// no longer holds the case where it was, is an error (the file changed
// while the run went on); slim is returned with it, to name the case.
func (l *Reloader) Case(slim *Case) (*Case, error) {
	file := slim.Pos.File
	l.mu.Lock()
	f := l.files[file]
	if f != nil {
		if f.left--; f.left == 0 {
			delete(l.files, file)
		}
	}
	l.mu.Unlock()
	if f == nil {
		return slim, fmt.Errorf("%s: case %s is not one of this run's, or was asked for twice", file, slim.Name)
	}
	f.once.Do(func() {
		cases, err := ReadFile(file)
		if err != nil {
			f.err = err
			return
		}
		f.cases = make(map[Pos]*Case, len(cases))
		for _, c := range cases {
			f.cases[c.Pos] = c
		}
	})
	if f.err != nil {
		return slim, fmt.Errorf("%s changed while casebook ran and no longer reads: %w", file, f.err)
	}
	l.mu.Lock()
	c := f.cases[slim.Pos]
	delete(f.cases, slim.Pos) // asked for once: the run holds it from here
	l.mu.Unlock()
	if c == nil || c.Name != slim.Name {
		return slim, fmt.Errorf("%s changed while casebook ran: case %s is no longer at line %d", file, slim.Name, slim.Pos.Line)
	}
	c.SpecPath = slim.SpecPath
	return c, nil
}
