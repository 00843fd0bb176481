package scaffold

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/casebook-dev/casebook/internal/casefile"
)

func TestInitWritesAProject(t *testing.T) {
	for _, tc := range []struct {
		spec       string
		status     int
		wantFinder string
	}{
		{"../../specs/genesys-cloud/openapi.yaml", 401, "security"},
		{"../../specs/personal-connection.yaml", 401, "security"},
		// No overlay: the mock's default client; its first GET is secured too.
		{"../../../shared/specs-real/genesys-cloud-2018-03-swagger.json", 401, "security"},
	} {
		t.Run(filepath.Base(tc.spec), func(t *testing.T) {
			dir := t.TempDir()
			files, err := Init(t.Context(), dir, tc.spec)
			require.NoError(t, err)
			assert.Equal(t, []string{filepath.Join(dir, ConfigFile), filepath.Join(dir, SchemaFile), filepath.Join(dir, CasesDir, "first-case.yaml")}, files)
			cfg, err := os.ReadFile(files[0])
			require.NoError(t, err)
			abs, _ := filepath.Abs(tc.spec)
			assert.Contains(t, string(cfg), "spec: "+filepath.ToSlash(abs))
			data, err := os.ReadFile(files[2])
			require.NoError(t, err)
			assert.True(t, strings.HasPrefix(string(data), "# yaml-language-server: $schema=../case.schema.json\n"), "the schema line for editors:\n%s", data)
			cases, err := casefile.Decode(files[2], data)
			require.NoError(t, err)
			c := cases[0]
			assert.Equal(t, "none", c.Auth)
			assert.Equal(t, tc.status, c.Expect.Status)
			require.Len(t, c.Expect.Lint, 1)
			assert.Equal(t, tc.wantFinder, c.Expect.Lint[0].Rule)
		})
	}
}

func TestInitOverwritesNothing(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, ConfigFile), []byte("# mine\n"), 0o644))
	_, err := Init(t.Context(), dir, "../../specs/personal-connection.yaml")
	assert.ErrorContains(t, err, "is a casebook project already")
	got, _ := os.ReadFile(filepath.Join(dir, ConfigFile))
	assert.Equal(t, "# mine\n", string(got))
	_, err = Init(t.Context(), t.TempDir(), "no-such.yaml")
	assert.Error(t, err)
}

// TestSpecBelowTheProject: a spec inside the project is named relative to it.
func TestSpecBelowTheProject(t *testing.T) {
	assert.Contains(t, string(config("../../specs", "../../specs/personal-connection.yaml")), "spec: personal-connection.yaml\n")
}
