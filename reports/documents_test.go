package reports

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPickDocuments(t *testing.T) {
	all, err := PickDocuments("")
	require.NoError(t, err)
	assert.Equal(t, len(Documents), len(all))
	one, err := PickDocuments("claims")
	require.NoError(t, err)
	require.Len(t, one, 1)
	assert.Equal(t, "docs/claims.md", one[0].Path)
	_, err = PickDocuments("claim")
	assert.EqualError(t, err, `no document "claim" (want one of pitfalls, claims) (did you mean "claims"?)`)
}
