package cli

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestColorAllowed(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want bool
	}{
		{map[string]string{"TERM": "xterm-256color"}, true},
		{map[string]string{"TERM": "xterm-256color", "NO_COLOR": "1"}, false},
		{map[string]string{"TERM": "xterm-256color", "NO_COLOR": ""}, true}, // no-color.org: set and not empty
		{map[string]string{"TERM": "dumb"}, false},
	} {
		assert.Equal(t, tc.want, ColorAllowed(func(k string) string { return tc.env[k] }), "%v", tc.env)
	}
	assert.False(t, UseColor(&bytes.Buffer{}, func(string) string { return "" }), "a buffer is no terminal")
}
