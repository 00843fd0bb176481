// Package claims is the claims ledger: the claims of a forum thread, listed
// once in a YAML file (docs/claims.yaml) with a verdict for each vendor and
// the sources behind it, joined with the cases whose claims: key names them.
// reports renders the joined Ledger as docs/claims.md.
//
//	f, err := claims.Load("docs/claims.yaml")   // file:line:col errors
//	l, err := claims.Build(f, cases, root)      // a case naming an unknown claim is an error
//	err = reports.ClaimsMarkdown(w, l)
//
// The file's format:
//
//	thread:
//	  file: ../shared/seed/000_a0a030ede02a8f62.txt
//	  posts:                         # how the thread is numbered, once
//	    - {id: question, name: the question, lines: 1-12, opens: "So I'm seeing"}
//	    - {id: answer-1, name: answer 1, lines: 13-23, opens: "The issue stems"}
//	vendors:                         # one verdict column each, in this order
//	  - {id: genesys-cloud, name: Genesys Cloud, spec: ../specs/genesys-cloud/openapi.yaml}
//	sources:
//	  - {id: gc-swagger, cite: "../shared/specs-real/genesys-cloud-2018-03-swagger.json"}
//	claims:
//	  - id: outbound-calls-endpoint
//	    post: question
//	    line: 1
//	    quote: I am sending the required JSON payload to /api/v2/outbound/calls
//	    claim: POST /api/v2/outbound/calls places the outbound call.
//	    verdicts:                    # one per vendor
//	      genesys-cloud: {verdict: false, why: ..., sources: [gc-swagger]}
//
// A case counts as evidence for the vendor whose spec it is checked against.
package claims

import (
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"

	"github.com/casebook-dev/casebook/internal/casefile"
	"github.com/casebook-dev/casebook/internal/strictyaml"
	"github.com/casebook-dev/casebook/internal/suggest"
)

// File is a decoded claims file.
type File struct {
	// Path is the file it was read from; vendor specs are relative to it.
	Path    string   `yaml:"-"`
	Thread  Thread   `yaml:"thread"`
	Vendors []Vendor `yaml:"vendors"`
	Sources []Source `yaml:"sources"`
	Claims  []Claim  `yaml:"claims"`
}

// Thread is the thread the claims are quoted from, and how its posts are
// numbered: the one numbering every case and document uses.
type Thread struct {
	File  string `yaml:"file"`
	Note  string `yaml:"note"`
	Posts []Post `yaml:"posts"`
}

// Post is one post of the thread: where it is and how it opens.
type Post struct {
	ID    string   `yaml:"id"`
	Name  string   `yaml:"name"`
	Lines string   `yaml:"lines"`
	Opens string   `yaml:"opens"`
	Pos   Position `yaml:"-"`
}

// Vendor is one verdict column: a vendor, or the thread's own model, and
// the spec its cases are checked against.
type Vendor struct {
	ID   string   `yaml:"id"`
	Name string   `yaml:"name"`
	Spec string   `yaml:"spec"`
	Pos  Position `yaml:"-"`
}

// Source is a public source a verdict rests on.
type Source struct {
	ID   string   `yaml:"id"`
	Cite string   `yaml:"cite"`
	Pos  Position `yaml:"-"`
}

// Claim is one claim of the thread, quoted where it is made.
type Claim struct {
	ID string `yaml:"id"`
	// Post and Line say where the quote starts in the thread.
	Post  string `yaml:"post"`
	Line  int    `yaml:"line"`
	Quote string `yaml:"quote"`
	// Claim says in one sentence what the quote asserts.
	Claim    string             `yaml:"claim"`
	Verdicts map[string]Verdict `yaml:"verdicts"`
	Pos      Position           `yaml:"-"`
}

// Verdict is what a vendor's sources make of a claim.
type Verdict struct {
	Verdict string   `yaml:"verdict"`
	Why     string   `yaml:"why"`
	Sources []string `yaml:"sources"`
	Pos     Position `yaml:"-"`
}

// Position is a place in the claims file.
type Position = strictyaml.Pos

// Verdicts are the words a verdict may take.
var Verdicts = []string{"true", "false", "partly", "not-found", "not-applicable", "unverified"}

// Load reads and checks a claims file. Problems are a strictyaml.ErrorList
// naming file:line:col.
func Load(path string) (*File, error) {
	data, err := strictyaml.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Decode(path, data)
}

// Decode decodes and checks claims YAML; file names it in errors.
func Decode(file string, data []byte) (*File, error) {
	doc, err := strictyaml.Parse(file, data)
	if err != nil {
		return nil, err
	}
	f := &File{Path: file}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, strictyaml.ErrorList{{Pos: Position{File: file, Line: 1, Column: 1}, Msg: "empty claims file"}}
	}
	if _, errs := strictyaml.Decode(file, doc.Content[0], f); len(errs) > 0 {
		return nil, errs
	}
	if errs := f.check(); len(errs) > 0 {
		return nil, errs
	}
	return f, nil
}

// check applies the rules beyond types: ids unique and well formed, every
// post, vendor and source a claim names known, one verdict per vendor.
func (f *File) check() strictyaml.ErrorList {
	c := &checker{file: f.Path}
	posts := c.ids("thread.posts", len(f.Thread.Posts), func(i int) (string, Position) { return f.Thread.Posts[i].ID, f.Thread.Posts[i].Pos })
	vendors := c.ids("vendors", len(f.Vendors), func(i int) (string, Position) { return f.Vendors[i].ID, f.Vendors[i].Pos })
	sources := c.ids("sources", len(f.Sources), func(i int) (string, Position) { return f.Sources[i].ID, f.Sources[i].Pos })
	c.ids("claims", len(f.Claims), func(i int) (string, Position) { return f.Claims[i].ID, f.Claims[i].Pos })
	for i, v := range f.Vendors {
		if v.Name == "" || v.Spec == "" {
			c.fail(v.Pos, fmt.Sprintf("vendors[%d]", i), "a vendor needs a name and a spec")
		}
	}
	for i := range f.Claims {
		c.claim(&f.Claims[i], fmt.Sprintf("claims[%d]", i), posts, vendors, sources)
	}
	return c.errs
}

type checker struct {
	file string
	errs strictyaml.ErrorList
}

func (c *checker) fail(pos Position, field, format string, args ...any) {
	if pos.File == "" {
		pos.File = c.file
	}
	c.errs = append(c.errs, &strictyaml.Error{Pos: pos, Field: field, Msg: fmt.Sprintf(format, args...)})
}

// ids checks a list's ids and returns them in order.
func (c *checker) ids(field string, n int, at func(int) (string, Position)) []string {
	var out []string
	for i := range n {
		id, pos := at(i)
		f := fmt.Sprintf("%s[%d].id", field, i)
		switch {
		case !casefile.ClaimID.MatchString(id):
			c.fail(pos, f, "%q is not an id (want lower-case words joined by hyphens)", id)
		case slices.Contains(out, id):
			c.fail(pos, f, "id %q is used twice", id)
		}
		out = append(out, id)
	}
	return out
}

func (c *checker) claim(cl *Claim, field string, posts, vendors, sources []string) {
	if !slices.Contains(posts, cl.Post) {
		c.fail(cl.Pos, field+".post", "no post %q in thread.posts%s", cl.Post, suggest.Hint(cl.Post, posts))
	}
	if cl.Line < 1 {
		c.fail(cl.Pos, field+".line", "want the thread line the quote starts on (1 or more)")
	}
	if strings.TrimSpace(cl.Quote) == "" || strings.TrimSpace(cl.Claim) == "" {
		c.fail(cl.Pos, field, "a claim needs a quote from the thread and a one-sentence claim")
	}
	for _, v := range vendors {
		if _, ok := cl.Verdicts[v]; !ok {
			c.fail(cl.Pos, field+".verdicts", "no verdict for vendor %q", v)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(cl.Verdicts)) {
		c.verdict(cl.Verdicts[name], field+".verdicts."+name, name, vendors, sources)
	}
}

func (c *checker) verdict(v Verdict, field, vendor string, vendors, sources []string) {
	if !slices.Contains(vendors, vendor) {
		c.fail(v.Pos, field, "no vendor %q in vendors%s", vendor, suggest.Hint(vendor, vendors))
	}
	if !slices.Contains(Verdicts, v.Verdict) {
		c.fail(v.Pos, field+".verdict", "%q is not a verdict (want one of %s)%s", v.Verdict, strings.Join(Verdicts, ", "), suggest.Hint(v.Verdict, Verdicts))
	}
	if strings.TrimSpace(v.Why) == "" || len(v.Sources) == 0 {
		c.fail(v.Pos, field, "a verdict says why and names its sources")
	}
	for i, s := range v.Sources {
		if !slices.Contains(sources, s) {
			c.fail(v.Pos, fmt.Sprintf("%s.sources[%d]", field, i), "no source %q in sources%s", s, suggest.Hint(s, sources))
		}
	}
}

// SpecPath is the vendor's spec resolved against the claims file.
func (f *File) SpecPath(v Vendor) string {
	if filepath.IsAbs(v.Spec) {
		return v.Spec
	}
	return filepath.Join(filepath.Dir(f.Path), filepath.FromSlash(v.Spec))
}
