package main

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// varFlag collects repeated --var NAME=value.
type varFlag map[string]string

func (v varFlag) String() string {
	return strings.Join(slices.Sorted(maps.Keys(v)), ",")
}

func (v varFlag) Set(s string) error {
	name, value, ok := strings.Cut(s, "=")
	if !ok || name == "" {
		return fmt.Errorf("want NAME=value, got %q", s)
	}
	v[name] = value
	return nil
}
