package atomicfile

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWriteReplaces(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.html")
	require.NoError(t, os.WriteFile(path, []byte("old"), 0o600))
	require.NoError(t, Write(path, []byte("new")))
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	info, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, "new", string(got))
	assert.Equal(t, os.FileMode(0o644), info.Mode().Perm())
	// A folder in the way: the error comes back and the folder survives.
	assert.Error(t, Write(filepath.Dir(path), []byte("x")), "Write over a directory")
	leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".*tmp*"))
	assert.Empty(t, leftovers, "temporary files left behind")
}

func TestWriteCreatesFolders(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a", "b", "r.xml")
	require.NoError(t, Write(path, []byte("x")))
	assert.FileExists(t, path)
}

func TestWriteNewKeepsWhatExists(t *testing.T) {
	path := filepath.Join(t.TempDir(), "case.yaml")
	require.NoError(t, WriteNew(path, []byte("first")))
	err := WriteNew(path, []byte("second"))
	assert.True(t, errors.Is(err, fs.ErrExist), "WriteNew over a file: %v, want ErrExist", err)
	got, _ := os.ReadFile(path)
	assert.Equal(t, "first", string(got))
}

// A report whose rendering fails halfway must not replace the last good one.
func TestWriteFuncFailureKeepsOld(t *testing.T) {
	path := filepath.Join(t.TempDir(), "report.json")
	require.NoError(t, os.WriteFile(path, []byte("old"), 0o644))
	broken := errors.New("renderer broke")
	err := WriteFunc(path, func(w io.Writer) error {
		if _, err := w.Write([]byte("half a rep")); err != nil {
			return err
		}
		return broken
	})
	assert.ErrorIs(t, err, broken)
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "old", string(got))
	leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".*tmp*"))
	assert.Empty(t, leftovers, "temporary files left behind")

	require.NoError(t, WriteFunc(path, func(w io.Writer) error {
		_, err := io.WriteString(w, "new")
		return err
	}))
	got, err = os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "new", string(got))
}
