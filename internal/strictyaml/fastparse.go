package strictyaml

import (
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// parseFast parses the part of YAML that casebook's files are written in
// (case files, casebook.yaml, overlays, claims, and what generate and
// import write) into the node tree go.yaml.in/yaml/v3 builds from the same
// text: Kind, Style, Tag, Value, Line and Column of every node alike. It
// exists for speed: yaml.v3's parser (scanner, token queue, event state
// machine) was the largest single item of a 100,000-case run's CPU.
//
// The subset: one document whose root is a block mapping or sequence;
// block mappings and sequences (compact "- a: b" and "- - a", and a
// sequence at its key's column); flow mappings and sequences on one line;
// plain, single- and double-quoted scalars on one line; literal and folded
// block scalars; comments. On anything else or any doubt (a tab, CR or
// control character, a BOM, an anchor, alias, tag or directive, "---" or
// "..." at a line's start, a complex or merge key, a scalar over several
// lines, odd indentation, an unknown escape, whatever yaml.v3 would refuse)
// it returns nil and Parse hands the text to yaml.v3 as before: so every
// error message, bound and file:line:col stays yaml.v3's, and the fast path
// never reports an error of its own.
//
// Comments are skipped: the nodes it builds carry no HeadComment,
// LineComment or FootComment, where yaml.v3's do. Nothing reads them from a
// tree Parse returns (they are written, by internal/curl, never read), so
// the tree is the same for everything downstream.
//
// A plain scalar's tag is yaml.v3's own resolution (Node.ShortTag), not a
// resolver of this file's. A key written twice is kept twice, as yaml.v3
// keeps it in a node tree; the strict decoder reports it from the tree.
//
// FuzzParseFast and TestParseFastMatchesYAML hold it to yaml.v3.
func parseFast(data []byte) *yaml.Node { return parseFastIn(data, new(slabs)) }

// parseFastIn is parseFast building its nodes in s's slabs (WithTree
// passes slabs it reuses).
func parseFastIn(data []byte, s *slabs) *yaml.Node {
	ascii, nodes, ok := fastScannable(data)
	if !ok {
		return nil
	}
	p := &fastParser{data: data, line: 1, ascii: ascii, plain: plainMemos.Get().(map[string]plainMemo)}
	defer plainMemos.Put(p.plain)
	p.slab, p.kids = s.reserve(nodes)
	p.stack = s.stack[:0]
	defer func() { s.stack = p.stack[:0] }()
	p.skipToContent()
	if p.ind < 0 {
		return nil
	}
	root := p.blockNode(-1)
	if root == nil || p.ind >= 0 {
		return nil
	}
	doc := p.node(yaml.DocumentNode, "", 0)
	doc.Line, doc.Column = root.Line, root.Column
	p.stack = append(p.stack, root)
	doc.Content = p.content(0)
	return doc
}

// fastMaxDepth bounds nesting on the fast path, far under yaml.v3's own
// limits and casebook's MaxDepth: a deeper document goes to yaml.v3.
const fastMaxDepth = 100

// fastMaxKey is the longest key the fast path takes: yaml.v3 refuses a
// simple key longer than 1,024 characters.
const fastMaxKey = 1000

type fastParser struct {
	data      []byte
	pos       int  // the next byte to read
	line      int  // pos's line, from 1
	lineStart int  // where pos's line starts
	ind       int  // the indentation of the content line pos is on, -1 at the end
	ascii     bool // the text has no multi-byte character: a column is a byte offset
	depth     int
	slab      []yaml.Node  // the nodes, allocated at once
	kids      []*yaml.Node // every node's Content, allocated at once
	stack     []*yaml.Node // the children of the collections being parsed
	plain     map[string]plainMemo
}

// node allocates a node at pos from the slab sized by fastScannable (a
// new one, should that run out).
func (p *fastParser) node(kind yaml.Kind, tag string, style yaml.Style) *yaml.Node {
	if len(p.slab) == cap(p.slab) {
		p.slab = make([]yaml.Node, 0, 16)
	}
	p.slab = p.slab[:len(p.slab)+1]
	n := &p.slab[len(p.slab)-1]
	// Every field: a reused slab holds the nodes of the text before.
	*n = yaml.Node{Kind: kind, Tag: tag, Style: style, Line: p.line, Column: p.column(p.pos)}
	return n
}

// content returns the children stacked since mark as a node's Content,
// carved from one allocation (capacity cut, so that an append copies), and
// drops them from the stack.
func (p *fastParser) content(mark int) []*yaml.Node {
	kids := p.stack[mark:]
	if len(kids) == 0 {
		return nil
	}
	if cap(p.kids)-len(p.kids) < len(kids) {
		p.kids = make([]*yaml.Node, 0, max(16, len(kids)))
	}
	start := len(p.kids)
	p.kids = append(p.kids, kids...)
	clear(kids)
	p.stack = p.stack[:mark]
	return p.kids[start:len(p.kids):len(p.kids)]
}

// column is yaml.v3's column of byte offset i on the current line: it
// counts characters, from 1.
func (p *fastParser) column(i int) int {
	if p.ascii {
		return i - p.lineStart + 1
	}
	return utf8.RuneCount(p.data[p.lineStart:i]) + 1
}

func (p *fastParser) at(i int) byte {
	if i < len(p.data) {
		return p.data[i]
	}
	return 0
}

// blankz: a space, a line break or the end (tabs never reach here).
func (p *fastParser) blankz(i int) bool {
	b := p.at(i)
	return b == ' ' || b == '\n' || b == 0
}

func (p *fastParser) skipSpaces() int {
	n := 0
	for p.at(p.pos) == ' ' {
		p.pos++
		n++
	}
	return n
}

// skipToContent moves from the start of a line to the first character of
// the next line holding more than spaces and a comment, and sets ind to its
// indentation (-1 at the end of the text).
func (p *fastParser) skipToContent() {
	for {
		p.skipSpaces()
		switch p.at(p.pos) {
		case 0:
			p.ind = -1
			return
		case '#':
			p.toLineEnd()
			if p.pos == len(p.data) {
				p.ind = -1
				return
			}
			fallthrough
		case '\n':
			p.newline()
		default:
			p.ind = p.pos - p.lineStart
			return
		}
	}
}

// toLineEnd moves to the line break ending pos's line, or to the end.
func (p *fastParser) toLineEnd() {
	for p.pos < len(p.data) && p.data[p.pos] != '\n' {
		p.pos++
	}
}

// newline steps over the '\n' at pos.
func (p *fastParser) newline() {
	p.pos++
	p.line++
	p.lineStart = p.pos
}

// finishLine steps over the rest of a line after a token: spaces, a
// comment after at least one space, and the line break (or the end).
func (p *fastParser) finishLine() bool {
	sp := p.skipSpaces()
	if p.at(p.pos) == '#' && sp > 0 {
		p.toLineEnd()
	}
	switch p.at(p.pos) {
	case '\n':
		p.newline()
	case 0:
	default:
		return false
	}
	return true
}

// endLine finishes the line after a value and steps to the next content.
func (p *fastParser) endLine() bool {
	if !p.finishLine() {
		return false
	}
	p.skipToContent()
	return true
}

func (p *fastParser) enter() bool {
	p.depth++
	return p.depth <= fastMaxDepth
}

// isSeqEntry: "-" then a space, a line break or the end.
func (p *fastParser) isSeqEntry() bool {
	return p.at(p.pos) == '-' && p.blankz(p.pos+1)
}

// blockNode parses the block collection starting at pos, on a line of its
// own, indented more than parent. A scalar alone on its line is left to
// yaml.v3.
func (p *fastParser) blockNode(parent int) *yaml.Node {
	col := p.ind
	if col <= parent {
		return nil
	}
	if p.isSeqEntry() {
		return p.blockCollection(yaml.SequenceNode, col)
	}
	if p.isKeyLine() {
		return p.blockCollection(yaml.MappingNode, col)
	}
	return nil
}

// blockCollection parses a block sequence whose "-" stand at column col,
// or a block mapping whose keys do; pos is at its first "-" or key.
func (p *fastParser) blockCollection(kind yaml.Kind, col int) *yaml.Node {
	if !p.enter() {
		return nil
	}
	seq := kind == yaml.SequenceNode
	tag := "!!map"
	if seq {
		tag = "!!seq"
	}
	n := p.node(kind, tag, 0)
	mark := len(p.stack)
	for {
		if seq {
			p.pos++ // the '-'
		} else if k := p.key(false); k != nil {
			p.stack = append(p.stack, k)
		} else {
			return nil
		}
		v := p.value(col, seq)
		if v == nil {
			return nil
		}
		p.stack = append(p.stack, v)
		if p.ind != col || seq && !p.isSeqEntry() {
			break
		}
	}
	if p.ind > col {
		return nil
	}
	n.Content = p.content(mark)
	p.depth--
	return n
}

// isKeyLine reports whether pos starts "key:" followed by a blank.
func (p *fastParser) isKeyLine() bool {
	save := p.pos
	defer func() { p.pos = save }()
	switch p.at(p.pos) {
	case '\'', '"':
		_, ok := p.quotedValue()
		return ok && p.at(p.pos) == ':' && p.blankz(p.pos+1)
	}
	if !p.plainStart(false) {
		return false
	}
	end, colon := p.scanPlain(false)
	return end > save && colon
}

// key parses a mapping's key and the ':' after it, followed by a blank
// (in a flow, by a space).
func (p *fastParser) key(flow bool) *yaml.Node {
	start := p.pos
	var k *yaml.Node
	if b := p.at(p.pos); b == '\'' || b == '"' {
		k = p.quoted()
	} else {
		k = p.plainKey(flow)
	}
	if k == nil || p.pos-start > fastMaxKey || p.at(p.pos) != ':' || !p.blankz(p.pos+1) || flow && p.at(p.pos+1) != ' ' {
		return nil
	}
	p.pos++ // the ':'
	return k
}

// value parses what follows a block indicator ("-" or a key's ':') at pos:
// the value on the same line, or the block node on the lines after it, or
// an empty value, null, placed right after the indicator. seq says the
// indicator is a "-", where a compact mapping or sequence may follow on the
// same line; after a key, a sequence may stand at the key's own column.
func (p *fastParser) value(parent int, seq bool) *yaml.Node {
	line, col := p.line, p.column(p.pos)
	sp := p.skipSpaces()
	b := p.at(p.pos)
	if b == '\n' || b == 0 || b == '#' && sp > 0 {
		p.toLineEnd()
		if !p.endLine() {
			return nil
		}
		if p.ind > parent {
			return p.blockNode(parent)
		}
		if !seq && p.ind == parent && p.isSeqEntry() {
			return p.blockCollection(yaml.SequenceNode, parent)
		}
		n := p.node(yaml.ScalarNode, "!!null", 0)
		n.Line, n.Column = line, col
		return n
	}
	if sp == 0 {
		return nil
	}
	if seq {
		// The line's start, up to here, is spaces and "- ": ASCII.
		here := p.pos - p.lineStart
		if p.isSeqEntry() {
			return p.blockCollection(yaml.SequenceNode, here)
		}
		if p.isKeyLine() {
			return p.blockCollection(yaml.MappingNode, here)
		}
	}
	return p.inlineValue(parent)
}

// inlineValue parses a scalar or flow collection that starts at pos and
// ends on this line, or a block scalar, and steps to the next content.
func (p *fastParser) inlineValue(parent int) *yaml.Node {
	var n *yaml.Node
	switch p.at(p.pos) {
	case '|', '>':
		return p.blockScalar(parent)
	case '[', '{', '\'', '"':
		n = p.flowNode()
	default:
		n = p.plainValue(false)
	}
	if n == nil || !p.endLine() {
		return nil
	}
	return n
}

// flowNode parses a flow node on this line: a collection, a quoted or a
// plain scalar.
func (p *fastParser) flowNode() *yaml.Node {
	switch p.at(p.pos) {
	case '[':
		return p.flowCollection(yaml.SequenceNode, "!!seq", ']')
	case '{':
		return p.flowCollection(yaml.MappingNode, "!!map", '}')
	case '\'', '"':
		return p.quoted()
	}
	return p.plainValue(true)
}

// flowNext steps over the spaces after a flow item and its ',' (and the
// spaces after that), and reports whether the collection goes on or ends at
// close. A trailing ',' and anything else go to yaml.v3.
func (p *fastParser) flowNext(close byte) (more, ok bool) {
	p.skipSpaces()
	switch p.at(p.pos) {
	case close:
		p.pos++
		return false, true
	case ',':
		p.pos++
		p.skipSpaces()
		if b := p.at(p.pos); b == close || b == ',' {
			return false, false
		}
		return true, true
	}
	return false, false
}

// flowCollection parses a flow sequence or mapping on this line, from its
// opening bracket at pos to close: items (key-value pairs in a mapping)
// with a ',' between them.
func (p *fastParser) flowCollection(kind yaml.Kind, tag string, close byte) *yaml.Node {
	if !p.enter() {
		return nil
	}
	n := p.node(kind, tag, yaml.FlowStyle)
	p.pos++
	p.skipSpaces()
	mark := len(p.stack)
	if p.at(p.pos) == close {
		p.pos++
	} else {
		for more := true; more; {
			if kind == yaml.MappingNode && !p.flowPair() {
				return nil
			}
			if kind == yaml.SequenceNode {
				item := p.flowNode()
				if item == nil {
					return nil
				}
				p.stack = append(p.stack, item)
			}
			var ok bool
			if more, ok = p.flowNext(close); !ok {
				return nil
			}
		}
	}
	n.Content = p.content(mark)
	p.depth--
	return n
}

// flowPair parses a flow mapping's key and value onto the stack.
func (p *fastParser) flowPair() bool {
	k := p.key(true)
	if k == nil {
		return false
	}
	p.skipSpaces()
	var v *yaml.Node
	if b := p.at(p.pos); b == ',' || b == '}' {
		// An empty value stands where the ',' or '}' after it is.
		line, col := p.line, p.column(p.pos)
		v = p.node(yaml.ScalarNode, "!!null", 0)
		v.Line, v.Column = line, col
	} else if v = p.flowNode(); v == nil {
		return false
	}
	p.stack = append(p.stack, k, v)
	return true
}
