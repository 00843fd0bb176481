package testenv

import "testing"

func TestStrict(t *testing.T) {
	for _, tc := range []struct {
		name, require, ci string
		want              bool
	}{
		{"a developer's machine", "", "", false},
		{"make test", "1", "", true},
		{"GitHub Actions", "", "true", true},
		{"CI=1", "", "1", true},
		{"CI switched off", "", "false", false},
		{"CI=0", "", "0", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(RequireToolsEnv, tc.require)
			t.Setenv("CI", tc.ci)
			if got := Strict(); got != tc.want {
				t.Errorf("Strict() with %s=%q CI=%q = %v, want %v", RequireToolsEnv, tc.require, tc.ci, got, tc.want)
			}
		})
	}
}
