package strictyaml

import (
	"sync"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// plainKey parses a plain key ending at ": " (or ":" at a line's end),
// leaving pos at the ':'.
func (p *fastParser) plainKey(flow bool) *yaml.Node {
	if !p.plainStart(flow) {
		return nil
	}
	start := p.pos
	end, colon := p.scanPlain(flow)
	if !colon || end == start || end != p.pos {
		// no ':' right after the key (a space before it is left to yaml.v3)
		return nil
	}
	return p.plainNode(start, end)
}

// plainValue parses a plain scalar at pos that is not a key (in a flow
// or not).
func (p *fastParser) plainValue(flow bool) *yaml.Node {
	if !p.plainStart(flow) {
		return nil
	}
	start := p.pos
	end, colon := p.scanPlain(flow)
	if colon || end <= start {
		return nil
	}
	return p.plainNode(start, end)
}

// plainNode builds the plain scalar data[start:end], tagged by yaml.v3's
// own resolution (memoized in p.plain).
func (p *fastParser) plainNode(start, end int) *yaml.Node {
	text := p.data[start:end]
	if string(text) == "<<" {
		return nil // a merge key: yaml.v3 tags it !!merge
	}
	save := p.pos
	p.pos = start
	n := p.node(yaml.ScalarNode, "", 0)
	p.pos = save
	if e, ok := p.plain[string(text)]; ok {
		n.Value, n.Tag = e.value, e.tag
		return n
	}
	n.Value = string(text)
	n.Tag = n.ShortTag()
	if len(text) <= plainMemoLen && len(p.plain) < plainMemoSize {
		p.plain[n.Value] = plainMemo{n.Value, n.Tag}
	}
	return n
}

// plainMemo is a plain scalar's text and the tag yaml.v3 resolves it to.
// The same keys and many of the same values come back in file after file
// (name, request, method, POST, 200): a memo spares resolving them again
// (ShortTag allocates for each) and allocating their text. Strings are
// immutable, so nodes may share them.
type plainMemo struct{ value, tag string }

const (
	plainMemoLen  = 64   // the longest text memoized
	plainMemoSize = 4096 // the most texts a memo holds
)

// plainMemos hands each parse a memo of its own: files are parsed side by
// side (runner.readCaseFiles), and a pool needs no lock.
var plainMemos = sync.Pool{New: func() any { return make(map[string]plainMemo, 256) }}

// plainStart reports whether a plain scalar may start at pos: not at an
// indicator, but at "-" followed by a character that is not a blank (nor,
// in a flow, an indicator of its own).
func (p *fastParser) plainStart(flow bool) bool {
	switch p.at(p.pos) {
	case 0, ' ', '\n', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`':
		return false
	case '-':
		next := p.at(p.pos + 1)
		if p.blankz(p.pos + 1) {
			return false
		}
		if flow && (next == ',' || next == '[' || next == ']' || next == '{' || next == '}' || next == '?' || next == ':' || next == '#') {
			return false
		}
	}
	return true
}

// scanPlain scans a plain scalar on one line from pos. It returns where the
// text ends (trailing spaces excluded) and whether it ended at ": " (or ':'
// at the line's end); pos is left there, at the ':' or after the text.
// In a flow it ends at ',', ']' or '}'; another indicator, or a ':'
// before one, makes it give up (end == -1).
func (p *fastParser) scanPlain(flow bool) (end int, colon bool) {
	i := p.pos
	end = i
	for {
		b := p.at(i)
		switch {
		case b == 0 || b == '\n':
			p.pos = end
			return end, false
		case b == ':' && p.blankz(i+1):
			if i != end {
				// spaces before the ':'
				p.pos = end
				return -1, false
			}
			p.pos = i
			return end, true
		case b == ' ':
			if p.at(i+1) == '#' {
				p.pos = end
				return end, false
			}
			i++
			continue
		case flow && (b == ',' || b == ']' || b == '}'):
			p.pos = end
			return end, false
		case flow && (b == '?' || b == '[' || b == '{'):
			p.pos = end
			return -1, false
		case flow && b == ':':
			// "a:b" is one scalar; a ':' before an indicator is left to yaml.v3.
			switch p.at(i + 1) {
			case ',', '[', ']', '{', '}', '?', '#', '\'', '"':
				p.pos = end
				return -1, false
			}
		}
		i++
		end = i
	}
}

// quoted parses a single- or double-quoted scalar on one line.
func (p *fastParser) quoted() *yaml.Node {
	style := yaml.SingleQuotedStyle
	if p.at(p.pos) == '"' {
		style = yaml.DoubleQuotedStyle
	}
	n := p.node(yaml.ScalarNode, "!!str", style)
	v, ok := p.quotedValue()
	if !ok {
		return nil
	}
	n.Value = v
	return n
}

// quotedValue reads the quoted scalar at pos, leaving pos after its
// closing quote. A line break inside, an escaped line break, or an escape
// yaml.v3 refuses gives up.
func (p *fastParser) quotedValue() (string, bool) {
	q := p.data[p.pos]
	start := p.pos + 1
	var buf []byte // only when the text needs unescaping
	i := start
	for {
		b := p.at(i)
		switch {
		case b == 0 || b == '\n':
			return "", false
		case b == q && q == '\'' && p.at(i+1) == '\'':
			if buf == nil {
				buf = append(make([]byte, 0, 64), p.data[start:i]...)
			}
			buf = append(buf, '\'')
			i += 2
			continue
		case b == q:
			p.pos = i + 1
			if buf == nil {
				return string(p.data[start:i]), true
			}
			return string(buf), true
		case b == '\\' && q == '"':
			if buf == nil {
				buf = append(make([]byte, 0, 64), p.data[start:i]...)
			}
			var ok bool
			if buf, i, ok = p.escape(buf, i); !ok {
				return "", false
			}
			continue
		}
		if buf != nil {
			buf = append(buf, b)
		}
		i++
	}
}

// escape decodes the escape sequence at data[i] (a '\\') as yaml.v3 does,
// appending it to buf, and returns the offset after it.
func (p *fastParser) escape(buf []byte, i int) ([]byte, int, bool) {
	c := p.at(i + 1)
	i += 2
	digits := 0
	switch c {
	case 'x':
		digits = 2
	case 'u':
		digits = 4
	case 'U':
		digits = 8
	default:
		e := escapes[c]
		return append(buf, e...), i, e != ""
	}
	v := 0
	for k := range digits {
		d, ok := hexDigit(p.at(i + k))
		if !ok {
			return buf, i, false
		}
		v = v<<4 | d
	}
	if v >= 0xd800 && v <= 0xdfff || v > 0x10ffff {
		return buf, i, false
	}
	return utf8.AppendRune(buf, rune(v)), i + digits, true
}

// escapes are the one-character escapes of a double-quoted scalar, and
// what they stand for (yaml_parser_scan_flow_scalar); any other is refused.
var escapes = [256]string{
	'0': "\x00", 'a': "\a", 'b': "\b", 't': "\t", 'n': "\n", 'v': "\v", 'f': "\f", 'r': "\r", 'e': "\x1b",
	' ': " ", '"': "\"", '\'': "'", '\\': "\\",
	'N': "\u0085", '_': "\u00a0", 'L': "\u2028", 'P': "\u2029",
}

func hexDigit(b byte) (int, bool) {
	switch {
	case b >= '0' && b <= '9':
		return int(b - '0'), true
	case b >= 'a' && b <= 'f':
		return int(b-'a') + 10, true
	case b >= 'A' && b <= 'F':
		return int(b-'A') + 10, true
	}
	return 0, false
}

// blockScalar parses a literal ('|') or folded ('>') block scalar, as
// yaml.v3's yaml_parser_scan_block_scalar does (line breaks are all "\n"
// here, and there are no tabs), then steps to the next content. parent is
// the indentation of the collection holding it.
func (p *fastParser) blockScalar(parent int) *yaml.Node {
	literal := p.at(p.pos) == '|'
	style := yaml.FoldedStyle
	if literal {
		style = yaml.LiteralStyle
	}
	n := p.node(yaml.ScalarNode, "!!str", style)
	p.pos++
	chomping, increment := p.blockIndicators()
	if increment < 0 {
		return nil
	}
	if !p.finishLine() {
		return nil
	}
	indent := 0
	if increment > 0 {
		indent = parent + increment
	}
	var s []byte
	trailing := p.blockBreaks(&indent, parent)
	leadingBreak, leadingBlank := false, false
	for p.pos-p.lineStart == indent && p.pos < len(p.data) {
		trailingBlank := p.data[p.pos] == ' '
		if !literal && !leadingBlank && !trailingBlank && leadingBreak {
			if trailing == 0 {
				s = append(s, ' ')
			}
		} else if leadingBreak {
			s = append(s, '\n')
		}
		leadingBreak = false
		for ; trailing > 0; trailing-- {
			s = append(s, '\n')
		}
		leadingBlank = p.data[p.pos] == ' '
		start := p.pos
		p.toLineEnd()
		s = append(s, p.data[start:p.pos]...)
		if p.pos < len(p.data) {
			p.newline()
			leadingBreak = true
		}
		trailing = p.blockBreaks(&indent, parent)
	}
	if chomping != -1 && leadingBreak {
		s = append(s, '\n')
	}
	if chomping == 1 {
		for ; trailing > 0; trailing-- {
			s = append(s, '\n')
		}
	}
	n.Value = string(s)
	// pos is at the end, or at the first character of a line indented
	// less than the text (a comment, or what follows the scalar).
	p.skipToContent()
	return n
}

// blockIndicators reads a block scalar's chomping ('+' keep, '-' strip)
// and indentation indicators, in either order; increment is -1 for an
// indentation of 0, which yaml.v3 refuses.
func (p *fastParser) blockIndicators() (chomping, increment int) {
	for range 2 {
		switch b := p.at(p.pos); {
		case (b == '+' || b == '-') && chomping == 0:
			chomping = 1
			if b == '-' {
				chomping = -1
			}
		case b >= '0' && b <= '9' && increment == 0:
			if b == '0' {
				return 0, -1
			}
			increment = int(b - '0')
		default:
			return chomping, increment
		}
		p.pos++
	}
	return chomping, increment
}

// blockBreaks eats the indentation and empty lines before a block scalar's
// next line of text and returns how many line breaks it ate; it settles
// the indentation from the first line of text when no indicator gave it
// (yaml_parser_scan_block_scalar_breaks).
func (p *fastParser) blockBreaks(indent *int, parent int) int {
	breaks, maxIndent := 0, 0
	for {
		for (*indent == 0 || p.pos-p.lineStart < *indent) && p.at(p.pos) == ' ' {
			p.pos++
		}
		maxIndent = max(maxIndent, p.pos-p.lineStart)
		if p.at(p.pos) != '\n' {
			break
		}
		p.newline()
		breaks++
	}
	if *indent == 0 {
		*indent = max(maxIndent, parent+1, 1)
	}
	return breaks
}
