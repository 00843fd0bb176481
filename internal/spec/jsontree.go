package spec

import (
	"encoding/json"
	"fmt"
	"strings"

	yaml "go.yaml.in/yaml/v4"
)

// jsonTree reads a JSON document into the node tree kin-openapi decodes
// OpenAPI 3 types from (their UnmarshalYAML methods). kin-openapi's own
// loader gets that tree by running the YAML parser over the JSON text: on
// the published specs users bring (GitHub's 3.6 MB, Stripe's 4.2 MB) that
// parser is more than half of the load, ten times what reading the same
// bytes as JSON costs. The tree is what the YAML parser would build for
// valid JSON: mappings and sequences in document order, strings quoted
// (so never read as numbers, booleans or timestamps), numbers, booleans
// and null as plain scalars resolved the YAML way.
func jsonTree(data []byte) (*yaml.Node, error) {
	return (&jsonParser{data: data, line: 1}).document()
}

func (p *jsonParser) document() (*yaml.Node, error) {
	p.space()
	root, err := p.value(0)
	if err != nil {
		return nil, err
	}
	p.space()
	if p.pos < len(p.data) {
		return nil, p.errorf("unexpected %q after the document", p.data[p.pos])
	}
	return root, nil
}

// maxJSONDepth bounds nesting, as encoding/json does (10,000), so a
// hostile file cannot exhaust the stack.
const maxJSONDepth = 10000

type jsonParser struct {
	data      []byte
	pos       int
	line      int
	lineStart int
	tags      map[string]string // literal -> the tag YAML resolves it to

	// member, when set, is handed each member of an object that is the
	// value of the top-level key memberOf as soon as the member is read:
	// that object's node, the key and the value's node. The member is not
	// kept in the object (its Content stays empty), so that the value can
	// be collected once the receiver is done with it.
	memberOf string
	member   func(obj *yaml.Node, key string, val *yaml.Node)
	handOn   bool // the object about to be read is such a value
}

func (p *jsonParser) errorf(format string, args ...any) error {
	return fmt.Errorf("line %d column %d: %s", p.line, p.pos-p.lineStart+1, fmt.Sprintf(format, args...))
}

func (p *jsonParser) space() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case '\n':
			p.line++
			p.lineStart = p.pos + 1
		case ' ', '\t', '\r':
		default:
			return
		}
		p.pos++
	}
}

func (p *jsonParser) node(kind yaml.Kind) *yaml.Node {
	return &yaml.Node{Kind: kind, Line: p.line, Column: p.pos - p.lineStart + 1}
}

func (p *jsonParser) value(depth int) (*yaml.Node, error) {
	if depth > maxJSONDepth {
		return nil, p.errorf("nested too deeply")
	}
	if p.pos >= len(p.data) {
		return nil, p.errorf("unexpected end of the document")
	}
	switch c := p.data[p.pos]; {
	case c == '{':
		return p.object(depth)
	case c == '[':
		return p.array(depth)
	case c == '"':
		n := p.node(yaml.ScalarNode)
		s, err := p.str()
		n.Value, n.Tag, n.Style = s, "!!str", yaml.DoubleQuotedStyle
		return n, err
	default:
		return p.literal()
	}
}

func (p *jsonParser) object(depth int) (*yaml.Node, error) {
	handOn := p.handOn
	p.handOn = false
	var keys keySet
	n := p.node(yaml.MappingNode)
	n.Tag, n.Style = "!!map", yaml.FlowStyle
	p.pos++ // {
	p.space()
	if p.pos < len(p.data) && p.data[p.pos] == '}' {
		p.pos++
		return n, nil
	}
	for {
		if p.pos >= len(p.data) || p.data[p.pos] != '"' {
			return nil, p.errorf("want a string key")
		}
		k := p.node(yaml.ScalarNode)
		key, err := p.str()
		if err != nil {
			return nil, err
		}
		k.Value, k.Tag, k.Style = key, "!!str", yaml.DoubleQuotedStyle
		if first := keys.add(k); first != nil {
			return nil, &duplicateKeyError{Key: key, Line: k.Line, Column: k.Column, FirstLine: first.Line}
		}
		p.space()
		if p.pos >= len(p.data) || p.data[p.pos] != ':' {
			return nil, p.errorf("want : after a key")
		}
		p.pos++
		p.space()
		p.handOn = depth == 0 && p.member != nil && key == p.memberOf && p.pos < len(p.data) && p.data[p.pos] == '{'
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		if handOn {
			p.member(n, key, v)
		} else {
			n.Content = append(n.Content, k, v)
		}
		if done, err := p.next('}'); done || err != nil {
			return n, err
		}
	}
}

// duplicateKeyError is a JSON object naming a key it already has, at the
// second. encoding/json keeps the last silently, and kin-openapi with it:
// a spec with "paths" twice would lose every operation of the first, one
// with "get" twice in a path item its first operation. It is refused, as
// the YAML parser refuses the same in a YAML spec.
type duplicateKeyError struct {
	Key          string
	Line, Column int // the second key
	FirstLine    int
}

func (e *duplicateKeyError) Error() string {
	return fmt.Sprintf("mapping key %q already defined at line %d", e.Key, e.FirstLine)
}

// keySet holds an object's keys as they are read: a short list scanned
// (most objects of a spec have a handful of keys), a map once it is long.
type keySet struct {
	few  [maxKeyScan]*yaml.Node
	n    int // of few used
	many map[string]*yaml.Node
}

// maxKeyScan is the most keys a keySet scans before it indexes them.
const maxKeyScan = 16

// add records k and returns the key of the same name read before, if any.
func (s *keySet) add(k *yaml.Node) (first *yaml.Node) {
	if s.many != nil {
		if first := s.many[k.Value]; first != nil {
			return first
		}
		s.many[k.Value] = k
		return nil
	}
	for _, f := range s.few[:s.n] {
		if f.Value == k.Value {
			return f
		}
	}
	if s.n < maxKeyScan {
		s.few[s.n] = k
		s.n++
		return nil
	}
	s.many = make(map[string]*yaml.Node, 2*maxKeyScan)
	for _, f := range s.few {
		s.many[f.Value] = f
	}
	s.many[k.Value] = k
	return nil
}

func (p *jsonParser) array(depth int) (*yaml.Node, error) {
	n := p.node(yaml.SequenceNode)
	n.Tag, n.Style = "!!seq", yaml.FlowStyle
	p.pos++ // [
	p.space()
	if p.pos < len(p.data) && p.data[p.pos] == ']' {
		p.pos++
		return n, nil
	}
	for {
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		n.Content = append(n.Content, v)
		if done, err := p.next(']'); done || err != nil {
			return n, err
		}
	}
}

// next reads the comma before another member or element, or the closing
// bracket (done).
func (p *jsonParser) next(closing byte) (done bool, err error) {
	p.space()
	if p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ',':
			p.pos++
			p.space()
			return false, nil
		case closing:
			p.pos++
			return true, nil
		}
	}
	return false, p.errorf("want , or %c", closing)
}

// str reads a quoted string; escapes are left to encoding/json.
func (p *jsonParser) str() (string, error) {
	start := p.pos
	escaped := false
	for i := start + 1; i < len(p.data); i++ {
		switch c := p.data[i]; {
		case c == '\\':
			escaped = true
			i++
		case c == '"':
			p.pos = i + 1
			if !escaped {
				return string(p.data[start+1 : i]), nil
			}
			var s string
			if err := json.Unmarshal(p.data[start:i+1], &s); err != nil {
				p.pos = start
				return "", p.errorf("%v", err)
			}
			return s, nil
		case c < 0x20:
			p.pos = i
			return "", p.errorf("control character in a string")
		}
	}
	p.pos = len(p.data)
	return "", p.errorf("unterminated string")
}

// literal reads a number, true, false or null as a plain scalar, tagged as
// the YAML parser resolves it (kin-openapi reads the tags): yaml's own
// parser decides, once per distinct literal, so -0 is a float and 1e999 a
// string, as they were.
func (p *jsonParser) literal() (*yaml.Node, error) {
	n := p.node(yaml.ScalarNode)
	start := p.pos
	for p.pos < len(p.data) && strings.IndexByte("+-.0123456789eEtruefalsn", p.data[p.pos]) >= 0 {
		p.pos++
	}
	lit := p.data[start:p.pos]
	tag, ok := p.tags[string(lit)]
	if !ok {
		var parsed yaml.Node
		if !json.Valid(lit) || yaml.Unmarshal(lit, &parsed) != nil || len(parsed.Content) != 1 {
			p.pos = start
			return nil, p.errorf("invalid value %q", lit)
		}
		tag = parsed.Content[0].Tag
		if p.tags == nil {
			p.tags = map[string]string{}
		}
		p.tags[string(lit)] = tag
	}
	n.Value, n.Tag = string(lit), tag
	return n, nil
}

// jsonHead reads the top-level "swagger" and "openapi" strings of a JSON
// document, skipping every other value without decoding it (a few
// milliseconds on a 4 MB spec, where decoding the document to find them
// was 20-25). ok is false for anything it does not read plainly (either key
// not a string, a syntax error it meets): the caller then decodes the
// document for the verdict and its error. As json.Unmarshal, the last of a
// key written twice wins.
func jsonHead(data []byte) (swagger, openapi string, ok bool) {
	p := &jsonParser{data: data, line: 1}
	p.space()
	if p.pos >= len(data) || data[p.pos] != '{' {
		return "", "", false
	}
	p.pos++
	p.space()
	for p.pos < len(data) && data[p.pos] != '}' {
		if data[p.pos] != '"' {
			return "", "", false
		}
		key, err := p.str()
		if err != nil {
			return "", "", false
		}
		p.space()
		if p.pos >= len(data) || data[p.pos] != ':' {
			return "", "", false
		}
		p.pos++
		p.space()
		if key == "swagger" || key == "openapi" {
			if p.pos >= len(data) || data[p.pos] != '"' {
				return "", "", false
			}
			v, err := p.str()
			if err != nil {
				return "", "", false
			}
			if key == "swagger" {
				swagger = v
			} else {
				openapi = v
			}
		} else if !p.skip() {
			return "", "", false
		}
		p.space()
		if p.pos < len(data) && data[p.pos] == ',' {
			p.pos++
			p.space()
		}
	}
	return swagger, openapi, p.pos < len(data)
}

// skip moves past one value, brackets matched and strings read to their
// closing quote, nothing decoded or checked beyond that.
func (p *jsonParser) skip() bool {
	depth := 0
	for p.pos < len(p.data) {
		switch c := p.data[p.pos]; {
		case c == '"':
			end := p.stringEnd(p.pos)
			if end < 0 {
				return false
			}
			p.pos = end
			if depth == 0 {
				return true
			}
			continue
		case c == '{' || c == '[':
			depth++
		case c == '}' || c == ']':
			if depth == 0 {
				return true // the end of a literal the object closes
			}
			depth--
			if depth == 0 {
				p.pos++
				return true
			}
		case depth == 0 && (c == ',' || c == ' ' || c == '\t' || c == '\r' || c == '\n'):
			return true
		}
		p.pos++
	}
	return false
}

// stringEnd is the offset just past the string that opens at start, -1
// when it is not closed.
func (p *jsonParser) stringEnd(start int) int {
	for i := start + 1; i < len(p.data); i++ {
		switch p.data[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return -1
}
