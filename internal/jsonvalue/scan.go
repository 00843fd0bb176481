package jsonvalue

import (
	"unicode/utf16"
	"unicode/utf8"
)

// The grammar of JSON as json.Valid reads it (RFC 8259; strings may hold
// invalid UTF-8; objects and arrays nest at most maxNesting deep), for
// Decode's walk, which checks as it builds, and for valid, Recode's
// check. json.Valid's state machine, a call per byte, was some 40% of
// Decode's cost (bench/RESULTS.md, "Follow-up 13"); FuzzDecode holds
// both walks to its verdict.

// maxNesting is how deep json.Valid lets objects and arrays nest
// (encoding/json's maxNestingDepth).
const maxNesting = 10000

func skipSpace(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n') {
		i++
	}
	return i
}

// stringEnd is the index past the string whose quote is at i, or -1 when
// it is no JSON string (a control byte, a bad escape, no closing quote).
// plain: printable ASCII without escapes, which is its own value.
func stringEnd(data []byte, i int) (end int, plain bool) {
	plain = true
	for i++; i < len(data); i++ {
		if i = plainEnd(data, i); i >= len(data) {
			break
		}
		c := data[i]
		switch {
		case c == '"':
			return i + 1, plain
		case c == '\\':
			plain = false
			if i++; i >= len(data) {
				return -1, false
			}
			switch data[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if i+4 >= len(data) || !isHex(data[i+1]) || !isHex(data[i+2]) || !isHex(data[i+3]) || !isHex(data[i+4]) {
					return -1, false
				}
				i += 4
			default:
				return -1, false
			}
		case c < 0x20:
			return -1, false
		case c >= utf8.RuneSelf:
			plain = false
		}
	}
	return -1, false
}

// plainByte: ASCII from space to DEL other than '"' and '\\', what a
// JSON string holds as it is (a plain string is made of nothing else).
var plainByte = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// plainEnd is the index of the first byte of s from i on that is not
// plainByte (len(s) when there is none). It tells eight bytes at a time
// (string scanning was most of Decode's, valid's and AppendString's own
// cost).
func plainEnd[S string | []byte](s S, i int) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	for ; i+8 <= len(s); i += 8 {
		w := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
		quote, backslash := w^(ones*'"'), w^(ones*'\\')
		// A byte below 0x20, a zero byte of quote or backslash, or a byte
		// from 0x80 (w's own high bit): each test is exact for "any byte".
		if ((w-ones*0x20)&^w|(quote-ones)&^quote|(backslash-ones)&^backslash|w)&highs != 0 {
			break
		}
	}
	for i < len(s) && plainByte[s[i]] {
		i++
	}
	return i
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// numberEnd is the index past the number at i (-?(0|[1-9][0-9]*)
// (.[0-9]+)?([eE][+-]?[0-9]+)?), or -1 when none starts there.
func numberEnd(data []byte, i int) int {
	if i < len(data) && data[i] == '-' {
		i++
	}
	switch {
	case i >= len(data):
		return -1
	case data[i] == '0':
		i++
	case data[i] >= '1' && data[i] <= '9':
		i = digitsEnd(data, i+1)
	default:
		return -1
	}
	if i < len(data) && data[i] == '.' {
		if i = digitsEnd(data, i+1); !isDigit(data[i-1]) {
			return -1
		}
	}
	if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
		i++
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		if i = digitsEnd(data, i); !isDigit(data[i-1]) {
			return -1
		}
	}
	return i
}

func digitsEnd(data []byte, i int) int {
	for i < len(data) && isDigit(data[i]) {
		i++
	}
	return i
}

// literalEnd is the index past the true, false or null at i and its
// value, or ok false.
func literalEnd(data []byte, i int) (end int, v any, ok bool) {
	rest := data[i:]
	switch {
	case len(rest) >= 4 && string(rest[:4]) == "true":
		return i + 4, true, true
	case len(rest) >= 5 && string(rest[:5]) == "false":
		return i + 5, false, true
	case len(rest) >= 4 && string(rest[:4]) == "null":
		return i + 4, nil, true
	}
	return i, nil, false
}

// valid is json.Valid(data).
func valid(data []byte) bool {
	end := validValue(data, skipSpace(data, 0), 0)
	return end >= 0 && skipSpace(data, end) == len(data)
}

// validValue is the index past the value at i, in depth objects and
// arrays, or -1 when no valid value starts there.
func validValue(data []byte, i, depth int) int {
	if i >= len(data) {
		return -1
	}
	switch data[i] {
	case '"':
		end, _ := stringEnd(data, i)
		return end
	case 't', 'f', 'n':
		end, _, ok := literalEnd(data, i)
		if !ok {
			return -1
		}
		return end
	case '{', '[':
		return validComposite(data, i, depth+1)
	}
	return numberEnd(data, i)
}

// validComposite is validValue of the object or array at i.
func validComposite(data []byte, i, depth int) int {
	if depth > maxNesting {
		return -1
	}
	close := byte(']')
	if data[i] == '{' {
		close = '}'
	}
	if i = skipSpace(data, i+1); i < len(data) && data[i] == close {
		return i + 1
	}
	for {
		if close == '}' {
			if i >= len(data) || data[i] != '"' {
				return -1
			}
			if i, _ = stringEnd(data, i); i < 0 {
				return -1
			}
			if i = skipSpace(data, i); i >= len(data) || data[i] != ':' {
				return -1
			}
			i = skipSpace(data, i+1)
		}
		if i = validValue(data, i, depth); i < 0 {
			return -1
		}
		if i = skipSpace(data, i); i >= len(data) {
			return -1
		}
		switch data[i] {
		case close:
			return i + 1
		case ',':
			i = skipSpace(data, i+1)
		default:
			return -1
		}
	}
}

// unquote is the string the inside of a JSON string stringEnd accepted
// stands for, as encoding/json's unquote reads it: escapes decoded, a
// \u escape of half a surrogate pair (or of a pair that is none) as
// U+FFFD, each byte of invalid UTF-8 as U+FFFD. json.Unmarshal into a
// string cost half of decoding the mock's problem answers, whose messages
// quote a pattern; FuzzDecode holds this to it.
func unquote(s []byte) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		j := plainEnd(s, i)
		b = append(b, s[i:j]...)
		if i = j; i == len(s) {
			break
		}
		switch c := s[i]; {
		case c == '\\':
			switch e := s[i+1]; e {
			case 'b':
				b = append(b, '\b')
			case 'f':
				b = append(b, '\f')
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			case 'u':
				r := hex4(s[i+2:])
				i += 6
				if utf16.IsSurrogate(r) {
					if i+6 <= len(s) && s[i] == '\\' && s[i+1] == 'u' {
						if pair := utf16.DecodeRune(r, hex4(s[i+2:])); pair != utf8.RuneError {
							b = utf8.AppendRune(b, pair)
							i += 6
							continue
						}
					}
					r = utf8.RuneError
				}
				b = utf8.AppendRune(b, r)
				continue
			default: // '"', '\\', '/'
				b = append(b, e)
			}
			i += 2
		case c < utf8.RuneSelf: // a control byte: stringEnd refused it
			b = append(b, c)
			i++
		default:
			r, size := utf8.DecodeRune(s[i:])
			b = utf8.AppendRune(b, r) // RuneError for each invalid byte
			i += size
		}
	}
	return string(b)
}

// hex4 is the number the four hex digits at the start of s spell.
func hex4(s []byte) rune {
	var r rune
	for _, c := range s[:4] {
		switch {
		case c <= '9':
			c -= '0'
		case c >= 'a':
			c -= 'a' - 10
		default:
			c -= 'A' - 10
		}
		r = r<<4 | rune(c)
	}
	return r
}
