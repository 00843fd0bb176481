package spec

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v3"

	"github.com/casebook-dev/casebook/internal/inputfile"
	"github.com/casebook-dev/casebook/internal/jsonptr"
)

// LoadOptions say how far a spec's $refs may reach. The zero value is the
// safe default for a spec downloaded from anywhere: a $ref may name files
// in the spec's own folder and below it, nothing else. A lint stays
// offline, and a spec cannot make casebook read /etc/passwd or fetch
// http://169.254.169.254/.
type LoadOptions struct {
	// AllowRemoteRefs lets $refs to http(s) URLs be fetched.
	AllowRemoteRefs bool
	// RefRoot is a folder whose files $refs may name besides the spec's
	// own folder tree ("": none).
	RefRoot string
	// HTTPClient fetches remote $refs (nil: a client with a 30 s timeout).
	HTTPClient *http.Client
}

// MaxFileBytes bounds a spec file and each file or URL its $refs name.
// Published specs are a few megabytes (Genesys Cloud's 2018 swagger: 4.2 MB).
const MaxFileBytes = 64 << 20

// RefError is a $ref that Load refused to follow or could not read. It
// names the $ref and where it is written; it never quotes the bytes of
// what the $ref names. Load returns it inside a *LoadError placed at the
// $ref.
type RefError struct {
	// File is the file the $ref is written in; Line and Column place it
	// there (0 when it could not be found again).
	File         string
	Line, Column int
	// Pointer is the JSON pointer of the object holding the $ref in File.
	Pointer string
	// Ref is the $ref as written.
	Ref string
	// Reason says why it was not followed.
	Reason string
}

func (e *RefError) Error() string {
	msg := fmt.Sprintf("$ref %q", e.Ref)
	if e.Pointer != "" {
		msg += " at " + e.Pointer
	}
	return msg + ": " + e.Reason
}

// loadError places e in a *LoadError at the $ref.
func (e *RefError) loadError() *LoadError {
	return &LoadError{File: e.File, Line: e.Line, Column: e.Column, Err: e}
}

// refReader is the loader's only way to read what a $ref names: it
// applies LoadOptions before reading anything, and remembers what it read
// so that a refusal can be placed at the $ref that asked for it.
type refReader struct {
	opts  LoadOptions
	roots []string    // folders whose files may be read, absolute and cleaned
	docs  []refDoc    // the spec, then each document read, in order
	stop  *refRefusal // the first refusal, placed once loading has failed
}

type refDoc struct {
	file string   // as shown in errors
	loc  *url.URL // as the loader resolves relative $refs against it
	data []byte
}

type refRefusal struct {
	target *url.URL
	reason string
}

func newRefReader(file, abs string, data []byte, opts LoadOptions) *refReader {
	r := &refReader{opts: opts, roots: []string{resolved(filepath.Dir(abs))}}
	if opts.RefRoot != "" {
		if root, err := filepath.Abs(opts.RefRoot); err == nil {
			r.roots = append(r.roots, resolved(root))
		}
	}
	r.docs = []refDoc{{file: file, loc: fileURL(abs), data: data}}
	return r
}

func fileURL(abs string) *url.URL { return &url.URL{Path: filepath.ToSlash(abs)} }

// resolved follows symbolic links, so that a link inside the tree cannot
// lead out of it. A path that does not exist stays as it is.
func resolved(p string) string {
	if r, err := filepath.EvalSymlinks(p); err == nil {
		return r
	}
	return filepath.Clean(p)
}

// read is the loader's ReadFromURIFunc. The loader asks for a document
// once per $ref that names it; each is read once.
func (r *refReader) read(_ *openapi3.Loader, u *url.URL) ([]byte, error) {
	for _, d := range r.docs {
		if d.loc.String() == u.String() {
			return d.data, nil
		}
	}
	var (
		data []byte
		err  error
	)
	switch {
	case u.Scheme == "http" || u.Scheme == "https":
		if !r.opts.AllowRemoteRefs {
			return nil, r.refuse(u, "a remote document: casebook fetches none unless --allow-remote-refs")
		}
		data, err = r.fetch(u)
	case (u.Scheme == "" || u.Scheme == "file") && u.Host == "":
		p := filepath.Clean(filepath.FromSlash(u.Path))
		if !r.inside(p) {
			return nil, r.refuse(u, fmt.Sprintf("a file outside %s: casebook reads none unless --ref-root names a folder holding it", strings.Join(r.roots, " and ")))
		}
		data, err = inputfile.Read(p, MaxFileBytes)
	default:
		return nil, r.refuse(u, fmt.Sprintf("a %q URL, which casebook does not read", u.Scheme))
	}
	if err != nil {
		return nil, r.refuse(u, readFailure(err))
	}
	var n yaml.Node
	if yerr := yaml.Unmarshal(data, &n); yerr != nil || len(n.Content) == 0 || n.Content[0].Kind != yaml.MappingNode {
		return nil, r.refuse(u, "what it names is not a YAML or JSON mapping")
	}
	shown := u.String()
	if u.Scheme == "" || u.Scheme == "file" {
		shown = filepath.FromSlash(u.Path)
	}
	r.docs = append(r.docs, refDoc{file: shown, loc: u, data: data})
	return data, nil
}

// files are the spec's file and each file read since, as shown in errors.
func (r *refReader) files() []string {
	var out []string
	for _, d := range r.docs {
		if d.loc.Scheme == "" || d.loc.Scheme == "file" {
			out = append(out, d.file)
		}
	}
	return out
}

// readFailure says why a file or URL could not be read, in words that
// never carry its content.
func readFailure(err error) string {
	var tl *inputfile.TooLargeError
	var pe interface{ Unwrap() error }
	switch {
	case errors.As(err, &tl):
		return "what it names is larger than " + inputfile.Size(tl.Limit)
	case errors.As(err, &pe):
		return "cannot be read: " + pe.Unwrap().Error()
	}
	return "cannot be read: " + err.Error()
}

// inside reports whether p lies in one of the allowed folder trees,
// symbolic links followed. It reads no file.
func (r *refReader) inside(p string) bool {
	p = resolved(p)
	for _, root := range r.roots {
		if rel, err := filepath.Rel(root, p); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel) {
			return true
		}
	}
	return false
}

func (r *refReader) fetch(u *url.URL) ([]byte, error) {
	client := r.opts.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET answered %s", resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, MaxFileBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxFileBytes {
		return nil, &inputfile.TooLargeError{Path: u.String(), Limit: MaxFileBytes}
	}
	return data, nil
}

// refuse records the first refusal and returns an error for the loader,
// which wraps it in words of its own; Load replaces them with a RefError.
func (r *refReader) refuse(u *url.URL, reason string) error {
	if r.stop == nil {
		r.stop = &refRefusal{target: u, reason: reason}
	}
	return errors.New(reason)
}

// refusal is the RefError for the refusal that stopped loading: the $ref
// found again in the documents read so far, with its line and pointer.
func (r *refReader) refusal() *RefError {
	target := withoutFragment(r.stop.target)
	for _, d := range r.docs {
		e := findRef(d, func(ref string) bool { return withoutFragment(resolveRef(d.loc, ref)) == target })
		if e != nil {
			e.Reason = r.stop.reason
			return e
		}
	}
	return &RefError{File: r.docs[0].file, Ref: target, Reason: r.stop.reason}
}

// resolveRef resolves a $ref against the document it is written in, the
// way kin-openapi's loader does: a URL with a host as it is, an absolute
// path as it is, a relative path against the document's folder.
func resolveRef(doc *url.URL, ref string) *url.URL {
	u, err := url.Parse(ref)
	if err != nil {
		return &url.URL{Opaque: ref}
	}
	if u.Host != "" || (u.Scheme != "" && u.Scheme != "file") || path.IsAbs(u.Path) || u.Path == "" {
		return u
	}
	out := *doc
	out.Path = path.Join(path.Dir(doc.Path), u.Path)
	out.Fragment = u.Fragment
	return &out
}

func withoutFragment(u *url.URL) string {
	c := *u
	c.Fragment, c.RawFragment = "", ""
	return c.String()
}

// findRef finds the first $ref in d that match accepts, with its place.
// It parses d again: it runs only when loading has already failed.
func findRef(d refDoc, match func(ref string) bool) *RefError {
	var root yaml.Node
	if yaml.Unmarshal(d.data, &root) != nil || len(root.Content) == 0 {
		return nil
	}
	var found *RefError
	var walk func(n *yaml.Node, ptr string)
	walk = func(n *yaml.Node, ptr string) {
		switch {
		case found != nil:
		case n.Kind == yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				if k.Value == "$ref" && v.Kind == yaml.ScalarNode && match(v.Value) {
					found = &RefError{File: d.file, Line: v.Line, Column: v.Column, Pointer: orRoot(ptr), Ref: v.Value}
					return
				}
				walk(v, jsonptr.Append(ptr, k.Value))
			}
		case n.Kind == yaml.SequenceNode:
			for i, c := range n.Content {
				walk(c, jsonptr.Append(ptr, fmt.Sprint(i)))
			}
		}
	}
	walk(root.Content[0], "")
	return found
}

func orRoot(ptr string) string {
	if ptr == "" {
		return "/"
	}
	return ptr
}

// unresolvedRef turns the validator's "found unresolved ref" into a
// RefError: a $ref the loader could not resolve (a cycle of $refs that
// never reaches a schema, A -> B -> A) would otherwise validate nothing,
// so that any body passes. A recursive schema (A has a property of type B,
// B one of type A) resolves and is not reported.
func unresolvedRef(file string, data []byte, err error) *RefError {
	var ue *openapi3.UnresolvedRefError
	if !errors.As(err, &ue) {
		return nil
	}
	return placeRef(file, data, ue.Ref, "resolves to no schema: it leads round a cycle of $refs that never reaches one")
}

// placeRef is a RefError for ref, placed at its first occurrence in the
// file when it is written there as it is.
func placeRef(file string, data []byte, ref, reason string) *RefError {
	e := findRef(refDoc{file: file, data: data}, func(r string) bool { return r == ref })
	if e == nil {
		e = &RefError{File: file, Ref: ref}
	}
	e.Reason = reason
	return e
}
