package cli

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestPercent(t *testing.T) {
	var p float64
	set := Percent(&p)
	assert.NoError(t, set("80%"))
	assert.Equal(t, 80.0, p)
	assert.NoError(t, set("12.5"))
	assert.Equal(t, 12.5, p)
	for _, bad := range []string{"101", "-1", "lots", ""} {
		assert.ErrorContains(t, set(bad), "want a percentage from 0 to 100", bad)
	}
	assert.Equal(t, 12.5, p, "a bad value leaves the last good one")
}

func TestKeyValue(t *testing.T) {
	m := map[string]string{}
	set := KeyValue(m)
	assert.NoError(t, set("A=1"))
	assert.NoError(t, set("B=x=y"))
	assert.NoError(t, set("C="))
	assert.Equal(t, map[string]string{"A": "1", "B": "x=y", "C": ""}, m)
	assert.ErrorContains(t, set("=v"), `want NAME=value, got "=v"`)
	assert.ErrorContains(t, set("novalue"), "want NAME=value")
}
