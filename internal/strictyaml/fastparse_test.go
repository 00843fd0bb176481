package strictyaml_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/casebook-dev/casebook/internal/strictyaml"
)

// repoYAML is every YAML file of the repository: cases, examples, docs,
// specs, overlays, casebook.yaml files and every package's testdata.
func repoYAML(t testing.TB) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir("../..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if ext := filepath.Ext(path); d.IsDir() || ext != ".yaml" && ext != ".yml" {
			return nil
		}
		data, err := os.ReadFile(path)
		files[filepath.ToSlash(path)] = data
		return err
	})
	if err != nil || len(files) == 0 {
		t.Fatalf("reading the repository's YAML files: %v (%d files)", err, len(files))
	}
	return files
}

// fastSnippets are the corners of the subset, and some just outside it.
var fastSnippets = []string{
	"a: b: c\n",
	"url: http://x:80/a#b\nnote: a # comment\n",
	"q: 'it''s'\n",
	"q: \"\\u00e9 \\\" \\\\ \\n \\x41 \\U0001F600\"\n",
	"q: \"\\/\"\n",
	"q: \"\\ud800\"\n",
	"key:\nnext: 1\n",
	"- - a\n  - b\n- c\n",
	"- a: b\n  c: d\n- e\n",
	"x: [a, {b: c}]\n",
	"x: [a , b ,c]\ny: {a: 1,b: 2}\n",
	"x: [a, ]\n",
	"x: [a: b]\n",
	"x: {a: , b: }\n",
	"x: {\"a\":1}\n",
	"a: b   \nc: d  # c  \n",
	"a: >-\n  one\n  two\n\n  three\n    more\nb: |+\n  keep\n\nc: |2\n    indented\n  x\nd: |-\n\n  lead\n",
	"a: >\n  folded\n   more\n  back\n",
	"a: |\n  x\n # c\nb: y\n",
	"a: |\n    x\n  y\n",
	"a: |",
	"a: |\n",
	"a: b\n  c\n",
	"a: b\n\n  c\n",
	"a:\n- x\n- y\nb: z\n",
	"- a:\n  - x\n  b: y\n",
	"a: 1\na: 2\n",
	"<<: {a: 1}\n",
	"a: &x 1\nb: *x\n",
	"a: !!str 1\n",
	"---\na: 1\n",
	"a: 1\n...\n",
	"a:\tb\n",
	"a: b\r\nc: d\r\n",
	"\ufeffa: b\n",
	"a: é\nb: \"€\"\nc: [ü, 😀]\n",
	"? a\n: b\n",
	"[a]: b\n",
	"a : b\n",
	"'a' : b\n",
	"\"a b\": c\n",
	"- \n-\n- # c\n  x: y\n",
	"a: -1\nb: -x\nc: [-1, -x]\n",
	"a: ~\nb: null\nc: true\nd: 1.5\ne: 0x1F\nf: 2001-12-14\ng: .inf\nh: ''\n",
	"a: 'x'#c\n",
	"a:\n  b:\n    c: [1, [2, [3]]]\n  d: e\nf: g\n",
	"  a: 1\n  b: 2\n",
	"# only a comment\n",
	"",
	"a: \"multi\n  line\"\n",
	"a: 'multi\n  line'\n",
	"a: [x,\n  y]\n",
	"a: b\n- c\n",
	"- a\nb: c\n",
	"a: {b: [c, d], e: {f: g}}\n",
	"a: @x\n",
	"a: `x`\n",
	"a: %x\n",
	"a: x:y\nb: x?y\nc: [x?y]\n",
	"a: |1\n  x\n",
	"a: |0\n  x\n",
	"a: >2-\n   x\n",
	"a: |#c\n  x\n",
	"a: | # c\n  x\n",
	"a:\n  - b\n   - c\n",
	"- - - a\n    - b\n  - c\n",
	"a: 'x' y\n",
	"a: [x] y\n",
	"a: x,y\n",
	"a: {x: [a, b], y: 'z'}   # c\n",
	"e: \"\\0\\a\\b\\t\\n\\v\\f\\r\\e\\ \\\"\\'\\\\\\N\\_\\L\\P\\x7f\\u2603\"\n",
	"e: \"\\q\"\n",
	"e: \"\\x4\"\n",
}

// fastTaken are snippets the fast path must take (and match yaml.v3 on):
// the subset's corners that case files use.
var fastTaken = []string{
	"url: http://x:80/a#b\nnote: a # comment\n",
	"q: 'it''s'\n",
	"q: \"\\u00e9\"\n",
	"key:\nnext: 1\n",
	"- - a\n  - b\n- c\n",
	"- a: b\n  c: d\n",
	"x: [a, {b: c}]\n",
	"a: b   \nc: d  # c  \n",
	"a: >-\n  one\n  two\nb: |+\n  keep\n\nc: |2\n    indented\n",
	"a:\n- x\n- y\nb: z\n",
	"- \n-\n- # c\n  x: y\n",
	"a: é\nb: \"€\"\nc: [ü, 😀]\n",
	"e: \"\\0\\a\\b\\t\\n\\v\\f\\r\\e\\ \\\"\\'\\\\\\N\\_\\L\\P\\x7f\\u2603\"\n",
}

func TestParseFastTakes(t *testing.T) {
	for _, s := range fastTaken {
		took, diff := strictyaml.FastMatchesYAML([]byte(s))
		if !took || diff != "" {
			t.Errorf("%q: taken %v, want true; (-yaml.v3 +fast):\n%s", s, took, diff)
		}
	}
}

// TestParseFastMatchesYAML holds the fast path to yaml.v3 on every YAML
// file of the repository and the snippets: wherever it accepts, its tree
// is yaml.v3's, every node's kind, style, tag, value, line and column.
func TestParseFastMatchesYAML(t *testing.T) {
	took, total := 0, 0
	var missed []string
	for path, data := range repoYAML(t) {
		ok, diff := strictyaml.FastMatchesYAML(data)
		if diff != "" {
			t.Errorf("%s: fast path (-yaml.v3 +fast):\n%s", path, diff)
		}
		total++
		if ok {
			took++
		} else {
			missed = append(missed, path)
		}
		// What casebook reads in a run must take the fast path: cases,
		// project and overlay files, claims.
		if !ok && !strings.HasPrefix(path, "../../specs/") && !strings.Contains(path, "/specs/") && !strings.HasPrefix(path, "../../internal/spec/") && !strings.HasPrefix(path, "../../mockserver/testdata/") {
			t.Errorf("%s: the fast path gave it to yaml.v3", path)
		}
	}
	t.Logf("the fast path took %d of %d repository YAML files; yaml.v3 parsed %q", took, total, missed)
	for _, s := range fastSnippets {
		if _, diff := strictyaml.FastMatchesYAML([]byte(s)); diff != "" {
			t.Errorf("%q: fast path (-yaml.v3 +fast):\n%s", s, diff)
		}
	}
}

// FuzzParseFast: whenever the fast path accepts a text, its tree is
// yaml.v3's; where yaml.v3 refuses a text, the fast path never accepted it.
func FuzzParseFast(f *testing.F) {
	for _, s := range append(fastSnippets, fastTaken...) {
		f.Add([]byte(s))
	}
	for _, data := range repoYAML(f) {
		if len(data) < 4096 {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if _, diff := strictyaml.FastMatchesYAML(data); diff != "" {
			t.Fatalf("%q: fast path (-yaml.v3 +fast):\n%s", data, diff)
		}
	})
}
