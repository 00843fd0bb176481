package spec

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v3"
	yaml4 "go.yaml.in/yaml/v4"

	"github.com/casebook-dev/casebook/internal/inputfile"
	"github.com/casebook-dev/casebook/internal/strictyaml"
)

// Spec is a loaded, validated API description with its routing table.
type Spec struct {
	// Path is the file the spec was loaded from, as given to Load.
	Path string
	// Files are Path and every file its $refs led Load to read (URLs are
	// not files and are not listed): what a run must never overwrite.
	Files []string
	// Doc is the OpenAPI 3 document (converted when the file is Swagger 2.0).
	Doc *openapi3.T
	// Version is the version the file declares: "2.0", "3.0.x" or "3.1.x".
	Version string
	// Envelope is the error envelope the vendor answers with (see DetectEnvelope).
	Envelope Envelope

	ops        []*Operation
	router     *router
	validation *validation // the whole document's (Validate, Problems)
}

// LoadError reports a spec that cannot be read, parsed or validated.
type LoadError struct {
	File string
	// Line and Column locate a syntax error when the parser reports one (1-based; 0 when unknown).
	Line, Column int
	Err          error
}

func (e *LoadError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d:%d: %v", e.File, e.Line, e.Column, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.File, e.Err)
}

func (e *LoadError) Unwrap() error { return e.Err }

// Load reads, converts and validates the spec at path and builds its
// router, its $refs kept to the spec's own folder tree (LoadOptions{}).
func Load(path string) (*Spec, error) { return LoadWith(path, LoadOptions{}) }

// LoadWith is Load with the reach of $refs set by opts.
func LoadWith(path string, opts LoadOptions) (*Spec, error) {
	data, err := inputfile.Read(path, MaxFileBytes)
	if err != nil {
		return nil, &LoadError{File: path, Err: err}
	}
	defer paceGCForLoad()()
	return load(path, data, opts)
}

func load(path string, data []byte, opts LoadOptions) (*Spec, error) {
	version, err := sniffVersion(path, data, jsonHead)
	if err != nil {
		return nil, err
	}
	var tree *yaml4.Node // a JSON document, read once (nil: not JSON)
	var ahead *pathsAhead
	if isJSON(data) {
		if version == "2.0" {
			tree, ahead, err = jsonTreeDecodingPaths(data)
		} else {
			tree, err = jsonTree(data)
		}
		var dup *duplicateKeyError
		if errors.As(err, &dup) {
			return nil, &LoadError{File: path, Line: dup.Line, Column: dup.Column, Err: dup}
		}
		if err != nil {
			// Not well-formed: the error is the one decoding it reports.
			if _, err := sniffVersion(path, data, nil); err != nil {
				return nil, err
			}
		}
	}
	var doc *openapi3.T
	files := []string{path}
	refsResolved := false // every schema $ref known to have a Value
	if version == "2.0" {
		doc, refsResolved, err = loadSwagger2(path, data, tree, ahead)
	} else {
		doc, files, refsResolved, err = loadOpenAPI3(path, data, tree, opts)
	}
	if err != nil {
		return nil, err
	}
	if !refsResolved {
		if re := unresolvedSchemaRef(path, data, doc); re != nil {
			return nil, re.loadError()
		}
	}
	s := &Spec{Path: path, Files: files, Doc: doc, Version: version}
	s.ops = collectOperations(doc)
	s.validation = newValidation(path, data, doc, textEnums(s.ops))
	s.router = newRouter(s.ops, serverPrefixes(doc))
	s.Envelope = DetectEnvelope(doc)
	return s, nil
}

// sniffVersion reads only the top-level "swagger" / "openapi" keys, with
// fast (jsonHead) when it is given and can, else by decoding the document.
func sniffVersion(path string, data []byte, fast func([]byte) (string, string, bool)) (string, error) {
	var head struct {
		Swagger string `yaml:"swagger" json:"swagger"`
		OpenAPI string `yaml:"openapi" json:"openapi"`
	}
	ok := false
	if fast != nil && isJSON(data) {
		head.Swagger, head.OpenAPI, ok = fast(data)
	}
	if !ok {
		if err := unmarshalAny(data, &head); err != nil {
			return "", syntaxError(path, data, err)
		}
	}
	switch {
	case head.Swagger == "2.0":
		return "2.0", nil
	case strings.HasPrefix(head.OpenAPI, "3.0"), strings.HasPrefix(head.OpenAPI, "3.1"):
		return head.OpenAPI, nil
	case head.Swagger != "":
		return "", &LoadError{File: path, Err: fmt.Errorf("swagger: %q is not supported (want 2.0)", head.Swagger)}
	case head.OpenAPI != "":
		return "", &LoadError{File: path, Err: fmt.Errorf("openapi: %q is not supported (want 3.0.x or 3.1.x)", head.OpenAPI)}
	}
	return "", &LoadError{File: path, Err: errors.New(`no "openapi" or "swagger" version key at the top level: not an API description`)}
}

func isJSON(data []byte) bool {
	t := bytes.TrimLeft(data, " \t\r\n\ufeff")
	return len(t) > 0 && t[0] == '{'
}

func unmarshalAny(data []byte, v any) error {
	if isJSON(data) {
		return json.Unmarshal(data, v)
	}
	return yaml.Unmarshal(data, v)
}

// syntaxError turns a parser error into a LoadError with a line and column
// where the parser gives an offset (JSON) or a line (YAML).
func syntaxError(path string, data []byte, err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		line, col := lineCol(data, se.Offset)
		return &LoadError{File: path, Line: line, Column: col, Err: err}
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		line, col := lineCol(data, te.Offset)
		return &LoadError{File: path, Line: line, Column: col, Err: err}
	}
	if strings.Contains(err.Error(), "yaml: line ") {
		// The YAML parser reports "yaml: line N: msg" and nothing typed.
		se := strictyaml.SyntaxErrorIn(path, data, errors.New(err.Error()[strings.Index(err.Error(), "yaml: line "):]))
		return &LoadError{File: path, Line: se.Pos.Line, Column: se.Pos.Column, Err: errors.New(se.Msg)}
	}
	return &LoadError{File: path, Err: err}
}

func lineCol(data []byte, offset int64) (int, int) {
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	before := data[:offset]
	line := bytes.Count(before, []byte("\n")) + 1
	col := int(offset) - bytes.LastIndexByte(before, '\n')
	return line, col
}

// loadSwagger2 converts a Swagger 2.0 document to OpenAPI 3; refsResolved
// says that every schema $ref in it has been found to lead to a schema
// (toV3's own resolution), which unresolvedSchemaRef need not check again.
func loadSwagger2(path string, data []byte, tree *yaml4.Node, ahead *pathsAhead) (doc3 *openapi3.T, refsResolved bool, err error) {
	if !isJSON(data) {
		var v any
		if err := yaml.Unmarshal(data, &v); err != nil {
			return nil, false, syntaxError(path, data, err)
		}
		j, err := json.Marshal(v)
		if err != nil {
			return nil, false, &LoadError{File: path, Err: err}
		}
		data = j
	}
	var doc2 openapi2.T
	if tree == nil || decodeSwagger2Tree(tree, &doc2, ahead) != nil {
		doc2 = openapi2.T{}
		err = decodeSwagger2(data, &doc2)
	}
	// The tree is garbage now, about three quarters of the live heap (the
	// Genesys swagger: ~47 of ~65 MB). Left to the collector's pace, the
	// heap would grow to twice that peak during the conversion before the
	// next collection, and a process's resident memory stays at its peak:
	// collecting here lets the conversion reuse the tree's pages. `casebook
	// mock` on the Genesys swagger, VmRSS at its first answer: 112-122 ->
	// 84-87 MB, the first answer no later (bench/RESULTS.md).
	runtime.GC()
	if err != nil {
		// Decode the whole document again for the error's line and column.
		if werr := json.Unmarshal(data, new(openapi2.T)); werr != nil {
			return nil, false, syntaxError(path, data, werr)
		}
		return nil, false, &LoadError{File: path, Err: err}
	}
	doc3, refsResolved, err = toV3(&doc2)
	var de *openapi3.DisallowedExternalRefError
	if errors.As(err, &de) {
		// The converter's loader follows no $ref to another document.
		return nil, false, placeRef(path, data, de.Ref, "Swagger 2.0 specs must be one file: casebook follows no $ref out of them").loadError()
	}
	if err != nil {
		return nil, false, &LoadError{File: path, Err: fmt.Errorf("converting Swagger 2.0 to OpenAPI 3: %w", err)}
	}
	renameSecuritySchemes(doc3)
	return doc3, refsResolved, nil
}

// loadOpenAPI3 loads the document, every $ref to another file or URL read
// through a refReader that applies opts before reading anything. It
// returns the files read: path, then those its $refs name; refsResolved
// as loadSwagger2's.
func loadOpenAPI3(path string, data []byte, tree *yaml4.Node, opts LoadOptions) (doc *openapi3.T, files []string, refsResolved bool, err error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, nil, false, &LoadError{File: path, Err: err}
	}
	if tree != nil {
		if doc, resolved := decodeSelfContained(tree); doc != nil {
			return doc, []string{path}, resolved, nil
		}
	}
	refs := newRefReader(path, abs, data, opts)
	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = true
	loader.ReadFromURIFunc = refs.read
	loader.Context = context.Background()
	doc, err = loader.LoadFromDataWithPath(data, fileURL(abs))
	if err != nil && refs.stop != nil {
		return nil, nil, false, refs.refusal().loadError()
	}
	if err != nil {
		var ye *yaml.TypeError
		if errors.As(err, &ye) {
			return nil, nil, false, &LoadError{File: path, Err: err}
		}
		return nil, nil, false, syntaxError(path, data, err)
	}
	return doc, refs.files(), false, nil
}

// decodeSelfContained is kin-openapi's load of a JSON document whose
// $refs all point inside it, without the YAML parser (root is its jsonTree):
// the same node tree, decoded by the same UnmarshalYAML methods, its $refs
// resolved by the same loader. It returns nil for anything else (a $ref
// the loader would read from another file or URL, a document the decode
// refuses, such as one with a duplicate key), and the caller loads it
// kin's way, errors and all. When every $ref names a component of the
// document (the published specs of issue 16), resolveComponentRefs sets
// them as the loader would, at a fraction of its cost (Stripe 2022-04:
// ~22 ms a load), and resolved says so.
func decodeSelfContained(root *yaml4.Node) (doc *openapi3.T, resolved bool) {
	doc = &openapi3.T{}
	if err := decodeDocument(root, doc); err != nil {
		return nil, false
	}
	// OpenAPI 3.0 only: from 3.1 on, the loader merges what is written
	// beside a $ref into a copy of its target, and webhooks are path items
	// the walk does not visit.
	if doc.OpenAPIMajorMinor() == "3.0" && len(doc.Webhooks) == 0 && resolveComponentRefs(doc) {
		return doc, true
	}
	loader := openapi3.NewLoader()
	loader.Context = context.Background()
	loader.IsExternalRefsAllowed = true
	loader.ReadFromURIFunc = func(*openapi3.Loader, *url.URL) ([]byte, error) { return nil, errNotSelfContained }
	if err := loader.ResolveRefsIn(doc, nil); err != nil {
		return nil, false
	}
	return doc, false
}

var errNotSelfContained = errors.New("the document has a $ref to another file or URL")

// decodeDocument is root.Decode(doc) with "paths" and "components", nearly
// all of a big spec, each decoded on a goroutine of its own into a value
// of its own, by the same UnmarshalYAML methods (whose only shared state
// is kin-openapi's sync.Map caches of struct fields). A document with
// either key twice is decoded whole, so that the decoder refuses it as
// before.
func decodeDocument(root *yaml4.Node, doc *openapi3.T) error {
	if root.Kind != yaml4.MappingNode {
		return root.Decode(doc)
	}
	rest := *root
	rest.Content = make([]*yaml4.Node, 0, len(root.Content))
	var pathsNode, componentsNode *yaml4.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		switch {
		case k.Value == "paths" && v.Kind == yaml4.MappingNode && pathsNode == nil:
			pathsNode = v
		case k.Value == "components" && v.Kind == yaml4.MappingNode && componentsNode == nil:
			componentsNode = v
		case k.Value == "paths" || k.Value == "components":
			return root.Decode(doc)
		default:
			rest.Content = append(rest.Content, k, v)
		}
	}
	var paths openapi3.Paths
	var components openapi3.Components
	var pathsErr, componentsErr error
	var wg sync.WaitGroup
	if pathsNode != nil {
		wg.Go(func() { pathsErr = pathsNode.Decode(&paths) })
	}
	if componentsNode != nil {
		wg.Go(func() { componentsErr = decodeComponents(componentsNode, &components) })
	}
	err := rest.Decode(doc)
	wg.Wait()
	if err := errors.Join(err, pathsErr, componentsErr); err != nil {
		return err
	}
	if pathsNode != nil {
		doc.Paths = &paths
	}
	if componentsNode != nil {
		doc.Components = &components
	}
	return nil
}

// decodeComponents decodes a components mapping as n.Decode does, but its
// schemas one at a time: yaml's decoder checks a mapping's keys for
// duplicates pair by pair, which is quadratic in the number of schemas
// (20,000 schemas: half of a spec's load). The keys are checked here with
// a set instead; anything unusual (a key that is not a plain string, a
// duplicate, a second schemas) goes to n.Decode, which reports it as
// before.
func decodeComponents(n *yaml4.Node, c *openapi3.Components) error {
	rest := *n
	rest.Content = make([]*yaml4.Node, 0, len(n.Content))
	var schemas *yaml4.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Value == "schemas" && schemas == nil && v.Kind == yaml4.MappingNode && plainKeys(v) {
			schemas = v
			continue
		}
		if k.Value == "schemas" {
			return n.Decode(c)
		}
		rest.Content = append(rest.Content, k, v)
	}
	if schemas == nil {
		return n.Decode(c)
	}
	if err := rest.Decode(c); err != nil {
		return err
	}
	c.Schemas = make(openapi3.Schemas, len(schemas.Content)/2)
	for i := 0; i+1 < len(schemas.Content); i += 2 {
		ref := &openapi3.SchemaRef{}
		if err := schemas.Content[i+1].Decode(ref); err != nil {
			return err
		}
		c.Schemas[schemas.Content[i].Value] = ref
	}
	return nil
}

// plainKeys reports whether a mapping's keys are distinct plain strings (no
// merge key, alias or tag a decoder would treat otherwise).
func plainKeys(m *yaml4.Node) bool {
	seen := make(map[string]struct{}, len(m.Content)/2)
	for i := 0; i+1 < len(m.Content); i += 2 {
		k := m.Content[i]
		if k.Kind != yaml4.ScalarNode || k.Value == "<<" || (k.Tag != "" && k.Tag != "!!str") {
			return false
		}
		if _, dup := seen[k.Value]; dup {
			return false
		}
		seen[k.Value] = struct{}{}
	}
	return true
}

// renameSecuritySchemes makes Swagger 2.0 security scheme names valid OpenAPI 3
// identifiers: Swagger allows any name (Genesys Cloud's is "PureCloud Auth"),
// OpenAPI 3 only [a-zA-Z0-9._-]. Requirements are renamed to match.
func renameSecuritySchemes(doc *openapi3.T) {
	if doc.Components == nil {
		return
	}
	renamed := map[string]string{}
	for name, scheme := range doc.Components.SecuritySchemes {
		if openapi3.ValidateIdentifier(name) == nil {
			continue
		}
		valid := strings.Map(func(r rune) rune {
			if r < 128 && openapi3.IdentifierRegExp.MatchString(string(r)) {
				return r
			}
			return '_'
		}, name)
		delete(doc.Components.SecuritySchemes, name)
		doc.Components.SecuritySchemes[valid] = scheme
		renamed[name] = valid
	}
	if len(renamed) == 0 {
		return
	}
	renameRequirements(doc.Security, renamed)
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			if op.Security != nil {
				renameRequirements(*op.Security, renamed)
			}
		}
	}
}

func renameRequirements(reqs openapi3.SecurityRequirements, renamed map[string]string) {
	for _, req := range reqs {
		for old, valid := range renamed {
			if scopes, ok := req[old]; ok {
				delete(req, old)
				req[valid] = scopes
			}
		}
	}
}
