package cli

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func newTestSet() (*FlagSet, *string, *bool) {
	fs := NewFlagSet("run", "[flags] [paths]", "Run things.\n\nExample:\n  casebook run\n")
	format := fs.String("format", "text", "report `FORMAT`")
	verbose := fs.Bool("v", false, "show more")
	fs.Int("retries", 2, "retry this many times")
	return fs, format, verbose
}

func TestFlagsAfterPositionals(t *testing.T) {
	fs, format, verbose := newTestSet()
	require.NoError(t, fs.Parse([]string{"cases/", "--format", "json", "more", "-v", "--", "--not-a-flag"}, nil))
	assert.Equal(t, "json", *format)
	assert.True(t, *verbose)
	assert.Equal(t, []string{"cases/", "more", "--not-a-flag"}, fs.Args())
}

func TestUnknownFlagIsOneLineWithDidYouMean(t *testing.T) {
	for _, tc := range []struct{ arg, want string }{
		{"--formt", "unknown flag --formt (did you mean --format?)"},
		{"-formt", "unknown flag --formt (did you mean --format?)"},
		{"--zzzzzz", "unknown flag --zzzzzz"},
		{"--retries=x", `invalid value "x" for flag --retries: parse error`},
		{"--format", "flag needs an argument: --format"},
	} {
		fs, _, _ := newTestSet()
		err := fs.Parse([]string{tc.arg}, nil)
		if assert.Error(t, err, tc.arg) {
			assert.Equal(t, tc.want, err.Error(), tc.arg)
			assert.NotContains(t, err.Error(), "\n", "one line")
		}
	}
	fs, _, _ := newTestSet()
	assert.Equal(t, "Run 'casebook help run' for usage.", fs.UsageHint())
}

func TestHelpOnStdoutWithDashDash(t *testing.T) {
	for _, arg := range []string{"-h", "--help", "-help"} {
		fs, _, _ := newTestSet()
		var out bytes.Buffer
		assert.ErrorIs(t, fs.Parse([]string{"x", arg}, &out), ErrHelp)
		help := out.String()
		assert.True(t, strings.HasPrefix(help, "Usage: casebook run [flags] [paths]\n\nRun things."), help)
		assert.Contains(t, help, "  --format FORMAT\n    \treport FORMAT (default \"text\")\n")
		assert.Contains(t, help, "  -v\n    \tshow more\n")
		assert.Contains(t, help, "  --retries int\n    \tretry this many times (default 2)\n")
		assert.NotContains(t, help, "\n  -format", "flags are spelt --name")
	}
}
