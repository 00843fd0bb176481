// Package testenv says when a test may skip for a missing tool. On a
// developer's machine a test that needs chromium, node or python3 skips
// without them; under `make test` (which installs them first and sets
// CASEBOOK_REQUIRE_TOOLS=1) and in CI it fails instead, so a CI machine
// missing a tool cannot pass silently. The published specs in
// ../shared/specs-real are never skipped for: they are always beside the
// checkout, and a test that needs them fails when they are not.
package testenv

import (
	"os"
	"testing"
)

// RequireToolsEnv is the variable the Makefile's test target sets.
const RequireToolsEnv = "CASEBOOK_REQUIRE_TOOLS"

// Strict reports whether a missing tool fails the test: under `make test`
// (CASEBOOK_REQUIRE_TOOLS=1) or in CI (CI set to anything but "", "0" or
// "false", as CI services set it to "true" or "1").
func Strict() bool {
	return on(os.Getenv(RequireToolsEnv)) || on(os.Getenv("CI"))
}

func on(v string) bool { return v != "" && v != "0" && v != "false" }

// MissingTool skips t for a tool that is not installed, or fails it when
// Strict. The message says what is missing and how to install it.
func MissingTool(t testing.TB, format string, args ...any) {
	t.Helper()
	if Strict() {
		t.Fatalf(format+" (required under make test and in CI: run scripts/install-test-deps.sh first)", args...)
	}
	t.Skipf(format, args...)
}
