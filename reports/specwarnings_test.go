package reports

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/casebook-dev/casebook/internal/results"
)

func TestSpecWarnings(t *testing.T) {
	var b bytes.Buffer
	SpecWarnings(&b, []results.SpecProblems{
		{Path: "a.yaml", Problems: []string{"one\nwith detail", "two", "three", "four", "five"}},
		{Path: "b.yaml", Problems: []string{"only"}},
	})
	assert.Equal(t, `casebook: warning: a.yaml breaks 5 OpenAPI rule(s); casebook goes on:
  one
  two
  three
  ... and 2 more
casebook: warning: b.yaml breaks 1 OpenAPI rule(s); casebook goes on:
  only
`, b.String())
}
