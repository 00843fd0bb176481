package claims

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/casebook-dev/casebook/internal/casefile"
	"github.com/casebook-dev/casebook/internal/strictyaml"
	"github.com/casebook-dev/casebook/internal/suggest"
)

// Ledger is the claims file joined with the cases that test each claim:
// what reports renders as docs/claims.md.
type Ledger struct {
	// File is the claims file's path as the ledger names it.
	File    string
	Thread  Thread
	Vendors []Vendor
	Sources []Source
	Rows    []Row
}

// Row is one claim and, per vendor (in Vendors order), its verdict and the
// cases that test it against that vendor's spec.
type Row struct {
	Claim Claim
	Cells []Cell
}

// Cell is one vendor's column of a row.
type Cell struct {
	Verdict Verdict
	Cases   []CaseRef
}

// CaseRef names a case that is evidence for a claim.
type CaseRef struct {
	Name         string
	File         string // relative to the ledger's root, with forward slashes
	Verification string
}

// Tested reports whether any case tests the row's claim.
func (r Row) Tested() bool {
	for _, c := range r.Cells {
		if len(c.Cases) > 0 {
			return true
		}
	}
	return false
}

// Build joins the claims file with the cases. A case's claims: must name
// claims of the file, and a case that names any must be checked against a
// vendor's spec; both are errors at the case's file:line:col. Paths in the
// ledger are relative to root, so it reads the same on every machine; the
// cases' own paths may be absolute or relative to root.
func Build(f *File, cases []*casefile.Case, root string) (*Ledger, error) {
	l := &Ledger{File: rel(root, f.Path), Thread: f.Thread, Vendors: f.Vendors, Sources: f.Sources}
	index := map[string]int{}
	ids := make([]string, len(f.Claims))
	for i, c := range f.Claims {
		index[c.ID] = i
		ids[i] = c.ID
		row := Row{Claim: c, Cells: make([]Cell, len(f.Vendors))}
		for j, v := range f.Vendors {
			row.Cells[j].Verdict = c.Verdicts[v.ID]
		}
		l.Rows = append(l.Rows, row)
	}
	vendorOf := map[string]int{}
	for j, v := range f.Vendors {
		vendorOf[absPath(f.SpecPath(v))] = j
	}
	var errs strictyaml.ErrorList
	for _, c := range cases {
		if len(c.Claims) == 0 {
			continue
		}
		j, ok := vendorOf[absPath(under(root, c.SpecPath))]
		if !ok {
			errs = append(errs, &strictyaml.Error{Pos: c.FieldPos("claims"), Case: c.Name, Field: "claims",
				Msg: fmt.Sprintf("the case's spec %s is no vendor's in %s, so it cannot be evidence", c.SpecPath, f.Path)})
			continue
		}
		ref := CaseRef{Name: c.Name, File: rel(root, under(root, c.Pos.File)), Verification: c.Verification}
		if ref.Verification == "" {
			ref.Verification = "unverified"
		}
		for i, id := range c.Claims {
			k, ok := index[id]
			if !ok {
				msg := fmt.Sprintf("no claim %q in %s", id, f.Path) + suggest.Hint(id, ids)
				field := fmt.Sprintf("claims[%d]", i)
				errs = append(errs, &strictyaml.Error{Pos: c.FieldPos(field), Case: c.Name, Field: field, Msg: msg})
				continue
			}
			l.Rows[k].Cells[j].Cases = append(l.Rows[k].Cells[j].Cases, ref)
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	for _, r := range l.Rows {
		for _, c := range r.Cells {
			slices.SortFunc(c.Cases, func(a, b CaseRef) int { return strings.Compare(a.Name, b.Name) })
		}
	}
	return l, nil
}

// under resolves a path relative to root.
func under(root, p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(root, filepath.FromSlash(p))
}

func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}

// rel is p relative to root with forward slashes; p itself when it is not below root.
func rel(root, p string) string {
	r, err := filepath.Rel(absPath(root), absPath(p))
	if err != nil || r == ".." || len(r) > 2 && r[:3] == ".."+string(filepath.Separator) {
		return filepath.ToSlash(p)
	}
	return filepath.ToSlash(r)
}
