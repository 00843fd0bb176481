package casefile_test

import (
	"path/filepath"
	"testing"

	"github.com/casebook-dev/casebook/internal/casefile"
)

// BenchmarkLoadCase is a run's load pass for each shipped case file, and
// what the run does with each case after it: read and decode the file,
// spool the case slim, and unpack it whole when it runs. Per op: one
// file.
func BenchmarkLoadCase(b *testing.B) {
	files, err := filepath.Glob("../../cases/*/*.yaml")
	if err != nil || len(files) < 30 {
		b.Fatalf("found %d shipped case files (%v), want them all", len(files), err)
	}
	spool := casefile.NewSpool()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		cases, err := casefile.ReadFile(files[i%len(files)])
		if err != nil {
			b.Fatal(err)
		}
		for _, c := range cases {
			if _, err := casefile.Whole(spool.Slim(c)); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkReadCaseFile is casefile.ReadFile alone: read, parse, decode.
func BenchmarkReadCaseFile(b *testing.B) {
	files, err := filepath.Glob("../../cases/*/*.yaml")
	if err != nil || len(files) < 30 {
		b.Fatalf("found %d shipped case files (%v), want them all", len(files), err)
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := casefile.ReadFile(files[i%len(files)]); err != nil {
			b.Fatal(err)
		}
	}
}
