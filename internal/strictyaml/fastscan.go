package strictyaml

import "unicode/utf8"

// fastScannable reports whether every character of data is one the fast
// path reads the way yaml.v3 does, whether they are all ASCII, and about
// how many nodes the text makes (a key and its value per ':' before a
// blank, an item per "- " or ',', a collection per '[' or '{', the
// document and its root). Tabs, CR and the other line breaks YAML 1.1
// knows (NEL, LS, PS), a BOM, control characters, invalid UTF-8 and
// document markers send the text to yaml.v3.
func fastScannable(data []byte) (ascii bool, nodes int, ok bool) {
	ascii, nodes = true, 2
	if docMarker(data) {
		return false, 0, false
	}
	for i := 0; i < len(data); {
		b := data[i]
		switch scanClass[b] {
		case scanPlainByte:
			i++
			continue
		case scanRefused:
			return false, 0, false
		case scanNode:
			nodes++
		case scanBlankNode:
			if i+1 == len(data) || data[i+1] == ' ' || data[i+1] == '\n' {
				nodes++
				if b == ':' { // a key, and its value
					nodes++
				}
			}
		case scanLineBreak:
			if docMarker(data[i+1:]) {
				return false, 0, false
			}
		case scanMultiByte:
			ascii = false
			r, size := utf8.DecodeRune(data[i:])
			if size == 1 || !fastRune(r) {
				return false, 0, false
			}
			i += size
			continue
		}
		i++
	}
	return ascii, nodes, true
}

// docMarker: a line starting "---", "..." or '%' (a document marker or a
// directive, or text too close to one).
func docMarker(line []byte) bool {
	if len(line) == 0 {
		return false
	}
	b := line[0]
	return b == '%' || (b == '-' || b == '.') && len(line) >= 3 && line[1] == b && line[2] == b
}

// The classes of bytes fastScannable tells apart, most of them plain text.
const (
	scanPlainByte = iota
	scanRefused   // control characters but '\n' (tabs and CR among them), DEL
	scanNode      // ',', '[', '{': one more node
	scanBlankNode // ':' and '-': one or two more nodes before a blank
	scanLineBreak // '\n'
	scanMultiByte // the first byte of a multi-byte character
)

var scanClass = func() (c [256]uint8) {
	for b := range 0x20 {
		c[b] = scanRefused
	}
	c[0x7f] = scanRefused
	c['\n'] = scanLineBreak
	c[','], c['['], c['{'] = scanNode, scanNode, scanNode
	c[':'], c['-'] = scanBlankNode, scanBlankNode
	for b := utf8.RuneSelf; b < 256; b++ {
		c[b] = scanMultiByte
	}
	return c
}()

// fastRune: the non-ASCII characters yaml.v3's reader accepts, less the
// line breaks (U+0085, U+2028, U+2029) and the BOM.
func fastRune(r rune) bool {
	switch {
	case r == 0x2028 || r == 0x2029 || r == 0xfeff:
		return false
	case r >= 0xa0 && r <= 0xd7ff, r >= 0xe000 && r <= 0xfffd, r >= 0x10000 && r <= 0x10ffff:
		return true
	}
	return false
}
