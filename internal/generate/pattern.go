package generate

import (
	"regexp"
	"regexp/syntax"
	"strings"
	"unicode/utf8"
)

// fromPattern makes a string that matches pattern and has a length in
// [minLen, maxLen]: the shortest string the expression's tree spells (each
// repetition at its minimum, the first alternative, a letter or digit from
// each class), then each open repetition once more, and again, until the
// length fits. It reports
// false when it finds none, or the pattern is not Go syntax (the validator
// then cannot check it either).
func fromPattern(pattern string, minLen int, maxLen *uint64) (string, bool) {
	re, err := regexp.Compile(pattern)
	if err != nil {
		return "", false
	}
	tree, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return "", false
	}
	tree = tree.Simplify()
	for reps := 0; reps <= max(8, minLen+1); reps++ {
		var b strings.Builder
		spell(&b, tree, reps)
		s := b.String()
		n := utf8.RuneCountInString(s)
		if maxLen != nil && uint64(n) > *maxLen {
			break
		}
		if n >= minLen && re.MatchString(s) {
			return s, true
		}
	}
	return "", false
}

// spell writes a string the tree matches, repeating each open-ended
// repetition extra times beyond its minimum.
func spell(b *strings.Builder, re *syntax.Regexp, extra int) {
	switch re.Op {
	case syntax.OpLiteral:
		for _, r := range re.Rune {
			b.WriteRune(r)
		}
	case syntax.OpCharClass:
		b.WriteRune(pickRune(re.Rune))
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		b.WriteByte('a')
	case syntax.OpCapture:
		spell(b, re.Sub[0], extra)
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			spell(b, sub, extra)
		}
	case syntax.OpAlternate:
		spell(b, re.Sub[0], extra)
	case syntax.OpStar:
		for range extra {
			spell(b, re.Sub[0], extra)
		}
	case syntax.OpPlus:
		for range 1 + extra {
			spell(b, re.Sub[0], extra)
		}
	case syntax.OpQuest:
		if extra > 0 {
			spell(b, re.Sub[0], extra)
		}
	case syntax.OpRepeat:
		n := re.Min
		if re.Max == -1 || re.Max > re.Min {
			n += extra
			if re.Max != -1 {
				n = min(n, re.Max)
			}
		}
		for range n {
			spell(b, re.Sub[0], extra)
		}
	}
	// Anchors, word boundaries and empty matches spell nothing.
}

// pickRune picks a readable rune from a class's ranges: a lower-case
// letter, a digit or an upper-case letter when the class has one, else the
// first printable rune it holds.
func pickRune(ranges []rune) rune {
	for _, want := range []rune{'a', 'x', '0', '1', 'A', 'X'} {
		for i := 0; i+1 < len(ranges); i += 2 {
			if ranges[i] <= want && want <= ranges[i+1] {
				return want
			}
		}
	}
	for i := 0; i+1 < len(ranges); i += 2 {
		for r := max(ranges[i], '!'); r <= ranges[i+1] && r < 0x10000; r++ {
			if r != 0x7f && utf8.ValidRune(r) {
				return r
			}
		}
	}
	if len(ranges) > 0 {
		return ranges[0]
	}
	return 'a'
}
