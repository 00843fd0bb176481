package casefile

import "fmt"

// Slim is what a run holds of c until it starts it: what selects it (name,
// tags), where it is (its file and position) and its spec as fields, and
// the whole case packed into bytes (pack.go). A whole case holds its
// bodies as maps and the position of every field: several KB, 100,000 of
// them most of a GB; a slim one about one KB, which the garbage collector
// does not scan. Whole gives the whole case back without reading the file
// again: a case is decoded once, and a file edited while a run goes on
// changes nothing in it.
func Slim(c *Case) *Case {
	data, err := pack(c)
	if err != nil {
		return c // a field of a kind pack does not know: kept whole
	}
	return &Case{Name: c.Name, Tags: c.Tags, Spec: c.Spec, Pos: c.Pos, SpecPath: c.SpecPath, packed: data}
}

// Whole returns the whole case of a slim one (Slim), a new copy on each
// call; a case that is not slim is returned as it is. The error (a packed
// case that does not unpack) is a bug; slim is returned with it, to name
// the case.
func Whole(slim *Case) (*Case, error) {
	if slim.packed == nil {
		return slim, nil
	}
	c, err := unpack(slim)
	if err != nil {
		return slim, fmt.Errorf("%s: case %s: %w", slim.Pos, slim.Name, err)
	}
	c.SpecPath = slim.SpecPath
	return c, nil
}
