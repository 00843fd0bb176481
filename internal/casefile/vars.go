package casefile

import (
	"regexp"
	"strings"
)

// The syntax of a case's request, in one place for everything that reads
// it: the runner fills it in, the curl export leaves it to the shell, the
// import writes it.
var (
	// VarRef is a ${NAME} variable, filled from --var, the environment or
	// casebook.yaml's vars:. A POSIX shell reads the same syntax.
	VarRef = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}`)
	// VarName is what NAME may be, in ${NAME} and wherever a config names
	// an environment variable.
	VarName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	// PathParam is a {name} segment of a request path, filled from pathParams.
	PathParam = regexp.MustCompile(`\{([^{}/]+)\}`)
)

// EscapeAroundVars escapes s with esc except for its ${NAME} variables,
// which stay as written: "c 1/${ID}" path-escapes to "c%201%2F${ID}".
func EscapeAroundVars(s string, esc func(string) string) string {
	var b strings.Builder
	last := 0
	for _, m := range VarRef.FindAllStringIndex(s, -1) {
		b.WriteString(esc(s[last:m[0]]))
		b.WriteString(s[m[0]:m[1]])
		last = m[1]
	}
	b.WriteString(esc(s[last:]))
	return b.String()
}
