package spec

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi3"
	yaml "go.yaml.in/yaml/v4"
)

// decodeSwagger2Tree decodes a Swagger 2.0 document from its JSON tree
// (jsonTree) into doc as json.Unmarshal does through openapi2's
// UnmarshalJSON methods, in one pass. Those methods decode every object
// twice (into the struct, then into a map for its extensions) and
// encoding/json checks each nested object's bytes again before handing
// them over: on Genesys Cloud's 4.2 MB swagger, most of `casebook mock`'s
// start-up. Here each object is read once: its known fields into the
// struct, every other key into Extensions, as those methods have it.
//
// A $ref with sibling keys (openapi2 records them in an unexported field)
// and kin's openapi3 parts (Info, Tags, ...) are small objects decoded
// through their own UnmarshalJSON. Anything it does not read the same way
// for certain (a value of the wrong type) is an error, and the caller
// decodes the document the encoding/json way instead, errors and all. TestDecodeSwagger2Tree holds
// the result deep-equal to json.Unmarshal's.
//
// paths and definitions, most of a big spec, decode on goroutines of their
// own while the rest decodes here: each writes its own field of doc, and
// the tree is only read.
//
// ahead, when not nil, holds the path items jsonTreeDecodingPaths decoded
// while it read the tree, which left them out of it: they are taken for
// paths, and a document where they cannot be (paths twice but for case)
// is left to the caller's slow way.
func decodeSwagger2Tree(root *yaml.Node, doc *openapi2.T, ahead *pathsAhead) error {
	v := reflect.ValueOf(doc).Elem()
	rest, apart := membersApart(root, "paths", "definitions")
	fields := v2FieldsOf(v.Type())
	errs := make([]error, len(apart)+1)
	var wg sync.WaitGroup
	for _, m := range apart {
		if _, ok := fields.byName[m.key]; !ok {
			return errV2Unsure // before any goroutine writes to doc
		}
	}
	if ahead != nil && ahead.handedOn && !slices.ContainsFunc(apart, func(m member) bool { return m.val == ahead.obj }) {
		return errV2Unsure
	}
	for i, m := range apart {
		field := v.Field(fields.byName[m.key])
		if ahead != nil && m.key == "paths" && m.val == ahead.obj {
			wg.Go(func() { errs[i] = ahead.wait(field) })
			continue
		}
		wg.Go(func() { errs[i] = decodeV2(m.val, field) })
	}
	errs[len(apart)] = decodeV2(rest, v)
	wg.Wait()
	return errors.Join(errs...)
}

// pathsAhead decodes the path items of a Swagger 2.0 document, each as
// soon as jsonTreeDecodingPaths has read it, on a goroutine of its own:
// the Genesys swagger's paths are 3.5 of its 4.2 MB, so decoding them was
// most of what followed the tree's read, on one CPU while the other
// waited. Each is decoded as decodeV2 decodes a paths mapping: in order,
// null as a nil item (a key twice is refused while the tree is read).
type pathsAhead struct {
	handedOn bool        // some path items are decoded here, not in the tree
	obj      *yaml.Node  // the paths object whose members were sent
	items    chan member // from the parser
	done     chan struct{}
	paths    map[string]*openapi2.PathItem // once done, when err is nil
	err      error                         // the first item's error, in order
}

// jsonTreeDecodingPaths is jsonTree for a Swagger 2.0 document, its path
// items decoded meanwhile and left out of the tree (decodeSwagger2Tree
// takes them): each item's nodes are garbage once it is decoded, which
// the collector, when it runs during the load, need not mark.
func jsonTreeDecodingPaths(data []byte) (*yaml.Node, *pathsAhead, error) {
	a := &pathsAhead{items: make(chan member, 64), done: make(chan struct{})}
	go a.decode()
	p := &jsonParser{data: data, line: 1, memberOf: "paths", member: func(obj *yaml.Node, key string, val *yaml.Node) {
		a.obj = obj // one: the parser refuses "paths" twice (duplicateKeyError)
		a.handedOn = true
		a.items <- member{key, val}
	}}
	root, err := p.document()
	close(a.items)
	return root, a, err
}

func (a *pathsAhead) decode() {
	defer close(a.done)
	paths := map[string]*openapi2.PathItem{}
	for m := range a.items {
		if a.err != nil {
			continue // the parser is not held up
		}
		var item *openapi2.PathItem
		if a.err = decodeV2(m.val, reflect.ValueOf(&item).Elem()); a.err == nil {
			paths[m.key] = item
		}
	}
	a.paths = paths
}

// wait sets field (doc.Paths) once every item is decoded.
func (a *pathsAhead) wait(field reflect.Value) error {
	<-a.done
	if a.err == nil {
		field.Set(reflect.ValueOf(a.paths))
	}
	return a.err
}

type member struct {
	key string
	val *yaml.Node
}

// membersApart takes the members named keys out of a mapping: the mapping
// without them (a copy; n is not changed) and them. A key is left in when
// another key of n is the same but for case (which of them a decoder takes
// depends on their order).
func membersApart(n *yaml.Node, keys ...string) (*yaml.Node, []member) {
	if n.Kind != yaml.MappingNode {
		return n, nil
	}
	folds := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		folds[strings.ToLower(n.Content[i].Value)]++
	}
	var apart []member
	rest := *n
	rest.Content = make([]*yaml.Node, 0, len(n.Content))
	for i := 0; i+1 < len(n.Content); i += 2 {
		key := n.Content[i].Value
		if slices.Contains(keys, key) && folds[key] == 1 {
			apart = append(apart, member{key, n.Content[i+1]})
			continue
		}
		rest.Content = append(rest.Content, n.Content[i], n.Content[i+1])
	}
	return &rest, apart
}

var errV2Unsure = errors.New("not decoded from the tree: left to encoding/json")

var (
	typeV2SchemaRef = reflect.TypeFor[openapi2.SchemaRef]()
	typeV2Responses = reflect.TypeFor[openapi2.Responses]()
	typeV2Header    = reflect.TypeFor[openapi2.Header]()
	typeV2Schema    = reflect.TypeFor[openapi2.Schema]()
	typeTypes       = reflect.TypeFor[openapi3.Types]()
	typeUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
)

func decodeV2(n *yaml.Node, v reflect.Value) error {
	t := v.Type()
	if n.Tag == "!!null" {
		switch t.Kind() {
		case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Interface:
			v.SetZero()
		}
		return nil // as encoding/json: null leaves anything else as it is
	}
	switch {
	case t.Kind() == reflect.Pointer:
		if v.IsNil() {
			v.Set(reflect.New(t.Elem()))
		}
		return decodeV2(n, v.Elem())
	case t == typeV2SchemaRef:
		return schemaRefV2(n, v.Addr().Interface().(*openapi2.SchemaRef))
	case t == typeV2Responses:
		return responsesV2(n, v.Addr().Interface().(*openapi2.Responses))
	case t == typeTypes && n.Kind == yaml.ScalarNode && n.Style == yaml.DoubleQuotedStyle:
		v.Set(reflect.ValueOf(openapi3.Types{n.Value})) // Types' UnmarshalJSON of a string
		return nil
	case t == typeV2Header:
		return decodeV2(n, v.Field(0)) // a Header decodes as its Parameter
	case t.Kind() == reflect.Struct && v2FieldsOf(t).extensible:
		return extensibleV2(n, v)
	case reflect.PointerTo(t).Implements(typeUnmarshaler):
		return viaJSON(n, v) // kin's openapi3 parts (Info, Tags, Types, ...): small
	}
	return plainV2(n, v)
}

// plainV2 decodes the kinds encoding/json decodes without a method.
func plainV2(n *yaml.Node, v reflect.Value) error {
	t := v.Type()
	switch t.Kind() {
	case reflect.Interface:
		if t.NumMethod() != 0 {
			return errV2Unsure
		}
		a, err := anyV2(n)
		if err == nil && a != nil {
			v.Set(reflect.ValueOf(a))
		}
		return err
	case reflect.String:
		if n.Kind != yaml.ScalarNode || n.Style != yaml.DoubleQuotedStyle {
			return errV2Unsure
		}
		v.SetString(n.Value)
	case reflect.Bool:
		if n.Tag != "!!bool" {
			return errV2Unsure
		}
		v.SetBool(n.Value == "true")
	case reflect.Float64:
		f, err := numberV2(n)
		v.SetFloat(f)
		return err
	case reflect.Uint64:
		if !isLiteral(n) {
			return errV2Unsure
		}
		u, err := strconv.ParseUint(n.Value, 10, 64)
		v.SetUint(u)
		return err
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			return errV2Unsure
		}
		s := reflect.MakeSlice(t, len(n.Content), len(n.Content))
		for i, c := range n.Content {
			if err := decodeV2(c, s.Index(i)); err != nil {
				return err
			}
		}
		v.Set(s)
	case reflect.Map:
		if n.Kind != yaml.MappingNode || t.Key().Kind() != reflect.String {
			return errV2Unsure
		}
		m := reflect.MakeMapWithSize(t, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			e := reflect.New(t.Elem()).Elem()
			if err := decodeV2(n.Content[i+1], e); err != nil {
				return err
			}
			m.SetMapIndex(reflect.ValueOf(n.Content[i].Value).Convert(t.Key()), e)
		}
		v.Set(m)
	default:
		return errV2Unsure
	}
	return nil
}

// isLiteral: a number, true, false or null as written (jsonTree quotes strings).
func isLiteral(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.Style == 0 }

func numberV2(n *yaml.Node) (float64, error) {
	if !isLiteral(n) || n.Tag == "!!bool" || n.Tag == "!!null" {
		return 0, errV2Unsure
	}
	return strconv.ParseFloat(n.Value, 64) // 1e999 fails, as in encoding/json
}

// anyV2 is the value encoding/json decodes into an any.
func anyV2(n *yaml.Node) (any, error) {
	switch n.Kind {
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			v, err := anyV2(n.Content[i+1])
			if err != nil {
				return nil, err
			}
			m[n.Content[i].Value] = v
		}
		return m, nil
	case yaml.SequenceNode:
		s := make([]any, len(n.Content))
		for i, c := range n.Content {
			v, err := anyV2(c)
			if err != nil {
				return nil, err
			}
			s[i] = v
		}
		return s, nil
	}
	switch {
	case !isLiteral(n):
		return n.Value, nil
	case n.Tag == "!!null":
		return nil, nil
	case n.Tag == "!!bool":
		return n.Value == "true", nil
	}
	return numberV2(n)
}

// extensibleV2 is the UnmarshalJSON of openapi2's objects: the fields by
// their JSON names (encoding/json also takes a key that differs only in
// case, which then stays an extension too), every other key an extension.
// Schema also drops anyOf, oneOf and nullable, which Swagger 2.0 lacks.
func extensibleV2(n *yaml.Node, v reflect.Value) error {
	if n.Kind != yaml.MappingNode {
		return errV2Unsure
	}
	fields := v2FieldsOf(v.Type())
	var ext map[string]any
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, val := n.Content[i].Value, n.Content[i+1]
		if f, ok := fields.byName[key]; ok {
			if err := decodeV2(val, v.Field(f)); err != nil {
				return err
			}
			continue
		}
		if f, ok := fields.byFold[strings.ToLower(key)]; ok {
			if err := decodeV2(val, v.Field(f)); err != nil {
				return err
			}
		}
		if v.Type() == typeV2Schema && (key == "anyOf" || key == "oneOf" || key == "nullable") {
			continue
		}
		a, err := anyV2(val)
		if err != nil {
			return err
		}
		if ext == nil {
			ext = map[string]any{}
		}
		ext[key] = a
	}
	v.Field(fields.extensions).Set(reflect.ValueOf(ext))
	return nil
}

type v2Fields struct {
	extensible bool
	extensions int            // index of Extensions
	byName     map[string]int // JSON name -> field index
	byFold     map[string]int // lower-cased JSON name -> field index
}

var v2FieldCache sync.Map // reflect.Type -> *v2Fields

// v2FieldsOf reads a struct's JSON field names; it is extensible when it
// has an Extensions map[string]any that JSON skips (openapi2's objects).
func v2FieldsOf(t reflect.Type) *v2Fields {
	if f, ok := v2FieldCache.Load(t); ok {
		return f.(*v2Fields)
	}
	f := &v2Fields{byName: map[string]int{}, byFold: map[string]int{}}
	for i := range t.NumField() {
		sf := t.Field(i)
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if sf.Name == "Extensions" && name == "-" && sf.Type == reflect.TypeFor[map[string]any]() {
			f.extensible, f.extensions = true, i
			continue
		}
		if name == "" || name == "-" || !sf.IsExported() {
			continue
		}
		f.byName[name] = i
		f.byFold[strings.ToLower(name)] = i
	}
	f.extensible = f.extensible && t.PkgPath() == typeV2Schema.PkgPath()
	v2FieldCache.Store(t, f)
	return f
}

// schemaRefV2 is SchemaRef's UnmarshalJSON: a $ref alone, or a schema.
func schemaRefV2(n *yaml.Node, x *openapi2.SchemaRef) error {
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if strings.EqualFold(k.Value, "$ref") && v.Kind == yaml.ScalarNode && v.Style == yaml.DoubleQuotedStyle && v.Value != "" {
				if len(n.Content) != 2 {
					// Its siblings are kept in an unexported field: this
					// small object goes through the UnmarshalJSON that sets it.
					return viaJSON(n, reflect.ValueOf(x).Elem())
				}
				x.Ref = v.Value
				return nil
			}
		}
	}
	return decodeV2(n, reflect.ValueOf(&x.Value).Elem())
}

// responsesV2 is Responses' UnmarshalJSON: x- keys are extensions, the
// rest responses by status.
func responsesV2(n *yaml.Node, x *openapi2.Responses) error {
	if n.Kind != yaml.MappingNode {
		return errV2Unsure
	}
	out := openapi2.NewResponsesWithCapacity(len(n.Content) / 2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, val := n.Content[i].Value, n.Content[i+1]
		if strings.HasPrefix(key, "x-") {
			a, err := anyV2(val)
			if err != nil {
				return err
			}
			if out.Extensions == nil {
				out.Extensions = map[string]any{}
			}
			out.Extensions[key] = a
			continue
		}
		var r *openapi2.Response
		if err := decodeV2(val, reflect.ValueOf(&r).Elem()); err != nil {
			return err
		}
		out.Set(key, r)
	}
	*x = *out
	return nil
}

// viaJSON decodes a small subtree through its own UnmarshalJSON.
func viaJSON(n *yaml.Node, v reflect.Value) error {
	a, err := anyV2(n)
	if err != nil {
		return err
	}
	b, err := json.Marshal(a)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v.Addr().Interface()); err != nil {
		return fmt.Errorf("%w: %v", errV2Unsure, err)
	}
	return nil
}
