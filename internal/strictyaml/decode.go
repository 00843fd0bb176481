// Package strictyaml decodes YAML into Go structs the way a careful reader
// would want: an unknown key is an error with "did you mean", a value of the
// wrong type is an error, and every error names file:line:col from the
// yaml.Node it comes from. Case files, the project config and the mock's
// overlays all decode through it.
//
// Parse reads the YAML these files are written in with a parser of its own
// (parseFast, several times cheaper than yaml.v3's), which builds yaml.v3's
// node tree and hands anything outside that subset to yaml.v3 itself.
package strictyaml

import (
	"cmp"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/casebook-dev/casebook/internal/suggest"
)

// Decode fills v (a pointer to a struct) from n and returns the position of
// every field it saw, under its dotted name ("request.body",
// "expect.lint[1].rule"), and every problem found.
func Decode(file string, n *yaml.Node, v any) (map[string]Pos, ErrorList) {
	fields, errs := DecodeFields(file, n, v)
	pos := make(map[string]Pos, len(fields))
	for _, f := range fields {
		pos[f.Name] = f.Pos
	}
	return pos, errs
}

// Field is where a field was written: its dotted name and position.
type Field struct {
	Name string
	Pos  Pos
}

// DecodeFields is Decode, the positions in the order the document writes
// the fields, each once: what a case keeps (a map of them cost the case
// decoder half its time, and its pack a sort).
func DecodeFields(file string, n *yaml.Node, v any) ([]Field, ErrorList) {
	d := &decoder{file: file, pos: make([]Field, 0, positions(n))}
	d.decode(n, reflect.ValueOf(v).Elem(), "")
	return d.pos, d.errs
}

// positions is about how many positions Decode records for n: one per
// value below it (a JSON value's own are not recorded, so it is at most
// that). Sizing the list at once spares growing it field by field.
func positions(n *yaml.Node) int {
	c := 0
	for i, k := range n.Content {
		if n.Kind != yaml.MappingNode || i%2 == 1 {
			c += 1 + positions(k)
		}
	}
	return c
}

// Parse parses YAML into a node, turning a syntax error into an *Error. It
// refuses a document larger than MaxFileBytes, or one that would expand
// past MaxValues or MaxDepth with its aliases followed (an alias bomb), or
// whose alias refers to a value containing itself: every walk over the node
// it returns is bounded. The text goes through parseFast first, and to
// yaml.v3 when that gives up: the same tree either way, but comments.
// Its nodes carry no HeadComment, LineComment or FootComment.
func Parse(file string, data []byte) (*yaml.Node, error) {
	return parse(file, data, new(slabs))
}

// parse is Parse, the fast path building its nodes in s.
func parse(file string, data []byte, s *slabs) (*yaml.Node, error) {
	if len(data) > MaxFileBytes {
		return nil, ErrorList{tooLarge(file)}
	}
	doc := parseFastIn(data, s)
	if doc == nil {
		doc = new(yaml.Node)
		if err := yaml.Unmarshal(data, doc); err != nil {
			return nil, ErrorList{SyntaxErrorIn(file, data, err)}
		}
	}
	if err := checkExpansion(file, doc); err != nil {
		return nil, ErrorList{err}
	}
	return doc, nil
}

// SyntaxError places a YAML parser error. The parser reports a line but no
// column and no node, so column 1 is the best place we have.
func SyntaxError(file string, err error) *Error {
	msg := err.Error()
	line := 0
	if rest, ok := strings.CutPrefix(msg, "yaml: line "); ok {
		if i := strings.IndexByte(rest, ':'); i > 0 {
			if l, err := strconv.Atoi(rest[:i]); err == nil {
				line, msg = l, strings.TrimSpace(rest[i+1:])
			}
		}
	}
	msg = strings.TrimPrefix(msg, "yaml: ")
	return &Error{Pos: Pos{File: file, Line: max(line, 1), Column: 1}, Msg: "invalid YAML: " + msg}
}

type decoder struct {
	file string
	pos  []Field
	errs ErrorList
}

func (d *decoder) fail(n *yaml.Node, field, format string, args ...any) {
	d.errs = append(d.errs, &Error{Pos: nodePos(d.file, n), Field: field, Msg: fmt.Sprintf(format, args...)})
}

// NodeDecoder is implemented by types that decode themselves from a node
// (a JSON body kept with its position, for example).
type NodeDecoder interface {
	DecodeNode(file string, n *yaml.Node) error
}

var (
	nodeDecoderType = reflect.TypeFor[NodeDecoder]()
	anyType         = reflect.TypeFor[any]()
	posType         = reflect.TypeFor[Pos]()
)

// decode fills v from n, recording each field's position under its dotted name.
func (d *decoder) decode(n *yaml.Node, v reflect.Value, field string) {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if field != "" {
		d.pos = append(d.pos, Field{field, nodePos(d.file, n)})
	}
	d.decodeValue(n, v, field)
}

// decodeValue is decode without recording field's position (a pointer's
// value is recorded where the pointer is).
func (d *decoder) decodeValue(n *yaml.Node, v reflect.Value, field string) {
	switch {
	case v.Kind() == reflect.Pointer && v.Type().Implements(nodeDecoderType):
		nv := reflect.New(v.Type().Elem())
		if d.decodeSelf(n, nv.Interface().(NodeDecoder), field) {
			v.Set(nv)
		}
		return
	case v.Kind() != reflect.Pointer && v.CanAddr() && reflect.PointerTo(v.Type()).Implements(nodeDecoderType):
		d.decodeSelf(n, v.Addr().Interface().(NodeDecoder), field)
		return
	case v.Type() == anyType:
		val, err := JSONValue(d.file, n, Float64)
		if err != nil {
			e := err.(*Error)
			e.Field = cmp.Or(e.Field, field)
			d.errs = append(d.errs, e)
			return
		}
		if val != nil {
			v.Set(reflect.ValueOf(val))
		}
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if isNull(n) {
			return
		}
		p := reflect.New(v.Type().Elem())
		d.decodeValue(n, p.Elem(), field)
		v.Set(p)
	case reflect.Struct:
		d.decodeStruct(n, v, field)
	case reflect.Slice:
		d.decodeSlice(n, v, field)
	case reflect.Map:
		d.decodeMap(n, v, field)
	default:
		d.decodeScalar(n, v, field)
	}
}

// decodeSelf lets a NodeDecoder decode itself, placing its error at the node.
func (d *decoder) decodeSelf(n *yaml.Node, nd NodeDecoder, field string) bool {
	if err := nd.DecodeNode(d.file, n); err != nil {
		var e *Error
		if !errors.As(err, &e) {
			e = &Error{Pos: nodePos(d.file, n), Msg: err.Error()}
		}
		e.Field = field
		d.errs = append(d.errs, e)
		return false
	}
	return true
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.Tag == "!!null" }

func (d *decoder) decodeStruct(n *yaml.Node, v reflect.Value, field string) {
	if n.Kind != yaml.MappingNode {
		d.fail(n, field, "want a mapping, got %s", KindName(n))
		return
	}
	f := structFields(v.Type())
	// A struct with a Pos field learns where it was written, for errors
	// raised after decoding (an overlay rule that names an unknown fixture).
	if f.pos >= 0 {
		v.Field(f.pos).Set(reflect.ValueOf(nodePos(d.file, n)))
	}
	// The fields decoded so far, by index: each key names one field.
	var seenFew [64]bool
	seen := seenFew[:]
	if n := v.NumField(); n > len(seenFew) {
		seen = make([]bool, n)
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		idx, ok := f.index[k.Value]
		switch {
		case !ok:
			d.unknownKey(k, field, f.names)
		case seen[idx]:
			d.fail(k, join(field, k.Value), "duplicate key")
		default:
			seen[idx] = true
			d.decode(val, v.Field(idx), join(field, k.Value))
		}
	}
}

func (d *decoder) unknownKey(k *yaml.Node, field string, names []string) {
	msg := fmt.Sprintf("unknown key %q", k.Value)
	if s := suggest.Closest(k.Value, names); s != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", s)
	} else {
		msg += " (known keys: " + strings.Join(names, ", ") + ")"
	}
	d.fail(k, field, "%s", msg)
}

func (d *decoder) decodeSlice(n *yaml.Node, v reflect.Value, field string) {
	// A single string where a list of strings is wanted (query: {a: x}) is a list of one.
	if n.Kind == yaml.ScalarNode && v.Type().Elem().Kind() == reflect.String && n.Tag != "!!null" {
		v.Set(reflect.Append(reflect.MakeSlice(v.Type(), 0, 1), reflect.ValueOf(n.Value).Convert(v.Type().Elem())))
		return
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return
	}
	if n.Kind != yaml.SequenceNode {
		d.fail(n, field, "want a list, got %s", KindName(n))
		return
	}
	s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
	for i, item := range n.Content {
		d.decode(item, s.Index(i), field+"["+strconv.Itoa(i)+"]")
	}
	v.Set(s)
}

func (d *decoder) decodeMap(n *yaml.Node, v reflect.Value, field string) {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return
	}
	if n.Kind != yaml.MappingNode {
		d.fail(n, field, "want a mapping, got %s", KindName(n))
		return
	}
	m := reflect.MakeMapWithSize(v.Type(), len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			d.fail(k, field, "want a string key, got %s", KindName(k))
			continue
		}
		key := reflect.ValueOf(k.Value)
		if m.MapIndex(key).IsValid() {
			d.fail(k, join(field, k.Value), "duplicate key")
			continue
		}
		elem := reflect.New(v.Type().Elem()).Elem()
		d.decode(val, elem, join(field, k.Value))
		m.SetMapIndex(key, elem)
	}
	v.Set(m)
}

func (d *decoder) decodeScalar(n *yaml.Node, v reflect.Value, field string) {
	if n.Kind != yaml.ScalarNode {
		d.fail(n, field, "want %s, got %s", kindWord(v.Kind()), KindName(n))
		return
	}
	switch v.Kind() {
	case reflect.String:
		if n.Tag == "!!null" {
			return
		}
		// Scalars of any type are strings here: a header value 123 is "123".
		v.SetString(n.Value)
	case reflect.Int, reflect.Int64:
		i, err := strconv.ParseInt(n.Value, 10, 64)
		if n.Tag != "!!int" || err != nil {
			d.fail(n, field, "want an integer, got %s %q", tagWord(n), n.Value)
			return
		}
		v.SetInt(i)
	case reflect.Float64:
		f, err := strconv.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 64)
		if (n.Tag != "!!int" && n.Tag != "!!float") || err != nil {
			d.fail(n, field, "want a number, got %s %q", tagWord(n), n.Value)
			return
		}
		v.SetFloat(f)
	case reflect.Bool:
		if n.Tag != "!!bool" {
			d.fail(n, field, "want true or false, got %s %q", tagWord(n), n.Value)
			return
		}
		v.SetBool(n.Value == "true" || n.Value == "True" || n.Value == "TRUE")
	default:
		d.fail(n, field, "cannot decode into %s", v.Kind())
	}
}

// fieldsOf is a struct type's fields by yaml tag, the tags in order, and
// the index of its settable Pos field (-1 without one); built once per type
// (a run decodes the same few types 100,000 times).
type fieldsOf struct {
	index map[string]int
	names []string
	pos   int
}

var structFieldsCache sync.Map // reflect.Type -> *fieldsOf

func structFields(t reflect.Type) *fieldsOf {
	if f, ok := structFieldsCache.Load(t); ok {
		return f.(*fieldsOf)
	}
	f := &fieldsOf{index: map[string]int{}, pos: -1}
	if p, ok := t.FieldByName("Pos"); ok && p.Type == posType && p.IsExported() && len(p.Index) == 1 {
		f.pos = p.Index[0]
	}
	for i := range t.NumField() {
		tag := t.Field(i).Tag.Get("yaml")
		if tag == "" || tag == "-" {
			continue
		}
		f.index[tag] = i
		f.names = append(f.names, tag)
	}
	structFieldsCache.Store(t, f)
	return f
}

func join(field, key string) string {
	if field == "" {
		return key
	}
	return field + "." + key
}

// KindName describes a node for an error message: "a list", "string \"x\"".
func KindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return tagWord(n) + " " + strconv.Quote(n.Value)
	}
	return "nothing"
}

func tagWord(n *yaml.Node) string {
	switch n.Tag {
	case "!!int":
		return "integer"
	case "!!float":
		return "number"
	case "!!bool":
		return "boolean"
	case "!!null":
		return "null"
	}
	return "string"
}

func kindWord(k reflect.Kind) string {
	switch k {
	case reflect.Int, reflect.Int64:
		return "an integer"
	case reflect.Bool:
		return "true or false"
	case reflect.Float64:
		return "a number"
	}
	return "a string"
}
