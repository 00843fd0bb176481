package main

import (
	"fmt"
	"sort"
	"strings"
)

// varFlag collects repeated --var NAME=value.
type varFlag map[string]string

func (v varFlag) String() string {
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return strings.Join(keys, ",")
}

func (v varFlag) Set(s string) error {
	name, value, ok := strings.Cut(s, "=")
	if !ok || name == "" {
		return fmt.Errorf("want NAME=value, got %q", s)
	}
	v[name] = value
	return nil
}
