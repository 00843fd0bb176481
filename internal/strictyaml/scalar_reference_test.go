package strictyaml

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"
)

// referenceScalar is jsonScalar before plainBool and plainDecimal: every
// boolean and number resolved by Node.Decode.
func referenceScalar(file string, n *yaml.Node, numbers Numbers) (any, error) {
	switch n.Tag {
	case "!!null":
		return nil, nil
	case "!!bool":
		var b bool
		if err := n.Decode(&b); err != nil {
			return nil, Errorf(file, n, "%v", err)
		}
		return b, nil
	case "!!int":
		if _, err := strconv.ParseInt(n.Value, 0, 64); err != nil {
			return nil, Errorf(file, n, "integer %s out of range", n.Value)
		}
		var i int64
		if err := n.Decode(&i); err != nil {
			return nil, Errorf(file, n, "%v", err)
		}
		if numbers == Float64 {
			return float64(i), nil
		}
		return json.Number(strconv.FormatInt(i, 10)), nil
	case "!!float":
		var f float64
		if err := n.Decode(&f); err != nil {
			return nil, Errorf(file, n, "%v", err)
		}
		if math.IsInf(f, 0) || math.IsNaN(f) {
			return nil, Errorf(file, n, "JSON has no Inf or NaN")
		}
		return f, nil
	case "!!binary":
		return nil, Errorf(file, n, "binary values cannot be sent as JSON")
	}
	return n.Value, nil
}

// checkScalar: jsonScalar gives n the value (of the same type, NaN aside
// as neither path returns it) and the error referenceScalar gives, in
// both number modes.
func checkScalar(t *testing.T, n *yaml.Node) {
	t.Helper()
	for _, numbers := range []Numbers{Float64, ExactIntegers} {
		want, werr := referenceScalar("f.yaml", n, numbers)
		got, err := jsonScalar("f.yaml", n, numbers)
		if fmt.Sprint(err) != fmt.Sprint(werr) {
			t.Fatalf("%s %q (style %d): error %v, want %v", n.Tag, n.Value, n.Style, err, werr)
		}
		if fmt.Sprintf("%T", got) != fmt.Sprintf("%T", want) || !cmp.Equal(got, want) {
			t.Fatalf("%s %q (style %d): %T %v, want %T %v", n.Tag, n.Value, n.Style, got, got, want, want)
		}
	}
}

// checkScalarsOf parses src with yaml.v3 and with the fast parser (when
// it takes it) and checks every scalar in either tree, then the same
// texts as plain nodes tagged each way by hand.
func checkScalarsOf(t *testing.T, src string) {
	t.Helper()
	var doc yaml.Node
	if yaml.Unmarshal([]byte(src), &doc) == nil {
		walkScalars(&doc, func(n *yaml.Node) { checkScalar(t, n) })
	}
	if fast := parseFast([]byte(src)); fast != nil {
		walkScalars(fast, func(n *yaml.Node) { checkScalar(t, n) })
	}
}

func walkScalars(n *yaml.Node, f func(*yaml.Node)) {
	if n.Kind == yaml.ScalarNode {
		f(n)
	}
	for _, c := range n.Content {
		walkScalars(c, f)
	}
}

// scalarTexts are the forms of booleans and numbers: the common ones the
// fast path takes and the unusual ones it leaves to Decode.
var scalarTexts = []string{"true", "True", "TRUE", "false", "False", "FALSE", "tRue", "yes", "no", "on", "off", "y", "n",
	"0", "-0", "+0", "1", "-1", "+1", "12", "007", "-007", "0777", "0o17", "-0o17", "0x1f", "-0x1f", "0b101", "-0b101", "1_000",
	"9223372036854775807", "-9223372036854775808", "9223372036854775808", "-9223372036854775809", "18446744073709551615",
	"1.5", "-1.5", "0.0", "-0.0", "00.5", "1.", ".5", "-.5", "+1.5", "1e3", "1.5e3", "1.5E-3", "1_0.5", ".inf", "-.inf", ".Inf",
	".nan", ".NaN", "1" + strings.Repeat("0", 400) + ".5", "0." + strings.Repeat("0", 400) + "1", "1.0000000000000000000001",
	"0.1", "123456789.123456789", "~", "null", "", "1.5.5", "--1", "-", ".", "1-", "2001-12-14", "12:30", "0x", "1 ", " 1"}

// TestJSONScalarMatchesDecode holds jsonScalar's strconv forms to
// Node.Decode: each text plain, quoted and tagged explicitly, as yaml.v3
// and the fast parser parse it, and as hand-made nodes of every tag.
func TestJSONScalarMatchesDecode(t *testing.T) {
	for _, s := range scalarTexts {
		for _, src := range []string{"v: " + s + "\n", "v: [" + s + "]\n", "v: \"" + s + "\"\n", "v: !!float " + s + "\n",
			"v: !!int " + s + "\n", "v: !!bool " + s + "\n", "v: !!float \"" + s + "\"\n", "- " + s + "\n"} {
			checkScalarsOf(t, src)
		}
		for _, tag := range []string{"!!bool", "!!int", "!!float", "!!null", "!!str"} {
			for _, style := range []yaml.Style{0, yaml.TaggedStyle, yaml.DoubleQuotedStyle} {
				checkScalar(t, &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: s, Style: style, Line: 1, Column: 4})
			}
		}
	}
}

// FuzzJSONScalar holds jsonScalar to Node.Decode on texts the fuzzer
// chooses: parsed plain, in a flow and tagged, and as hand-made nodes.
func FuzzJSONScalar(f *testing.F) {
	for _, s := range scalarTexts {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if strings.ContainsAny(s, "\n\r") || len(s) > 500 {
			return
		}
		for _, src := range []string{"v: " + s + "\n", "v: [" + s + "]\n", "v: !!float " + s + "\n", "v: !!int " + s + "\n"} {
			checkScalarsOf(t, src)
		}
		for _, tag := range []string{"!!bool", "!!int", "!!float"} {
			checkScalar(t, &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: s, Line: 1, Column: 4})
		}
	})
}

// BenchmarkJSONScalar resolves every boolean and number of the shipped
// personal-connection and genesys-cloud cases (those bench/scale.sh
// copies) with jsonScalar and with the Decode-only reference, in one run.
func BenchmarkJSONScalar(b *testing.B) {
	var nodes []*yaml.Node
	for _, dir := range []string{"personal-connection", "genesys-cloud"} {
		paths, _ := filepath.Glob("../../cases/" + dir + "/*.yaml")
		for _, p := range paths {
			data, err := os.ReadFile(p)
			if err != nil {
				b.Fatal(err)
			}
			n, err := Parse(p, data)
			if err != nil {
				b.Fatal(err)
			}
			walkScalars(n, func(n *yaml.Node) {
				if n.Tag == "!!bool" || n.Tag == "!!int" || n.Tag == "!!float" {
					nodes = append(nodes, n)
				}
			})
		}
	}
	if len(nodes) == 0 {
		b.Fatal("no booleans or numbers in the shipped cases")
	}
	for _, bench := range []struct {
		name string
		f    func(string, *yaml.Node, Numbers) (any, error)
	}{{"strconv", jsonScalar}, {"Decode", referenceScalar}} {
		b.Run(bench.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				for _, n := range nodes {
					if _, err := bench.f("f.yaml", n, ExactIntegers); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(nodes)), "ns/scalar")
		})
	}
}
