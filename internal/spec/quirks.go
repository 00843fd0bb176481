package spec

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/getkin/kin-openapi/openapi3"
)

// textEnums repairs a quirk of published specs: a parameter typed boolean,
// integer or number whose enum lists text ("enum": ["true", "false"] on
// Genesys Cloud's boolean `download`). No value is both a boolean and the
// text "true", so read literally the parameter accepts nothing; a query
// string carries text, and the spec means the values that text spells. The
// enum is read as those values, and each repair is reported as a problem,
// once per operation whose parameter has the repaired schema.
func textEnums(ops []*Operation) []repair {
	var repairs []repair
	repaired := map[*openapi3.Schema]bool{}
	for _, op := range ops {
		for _, p := range op.Parameters() {
			if p.Schema == nil || p.Schema.Value == nil {
				continue
			}
			s := p.Schema.Value
			if _, seen := repaired[s]; !seen {
				typed, ok := typedEnum(s)
				if ok {
					s.Enum = typed
				}
				repaired[s] = ok
			}
			if repaired[s] {
				repairs = append(repairs, repair{op: op, schema: s, problem: fmt.Sprintf("%s: %s parameter %q is typed %s but its enum lists text; read as %s values",
					op, p.In, p.Name, s.Type.Slice()[0], s.Type.Slice()[0])})
			}
		}
	}
	return repairs
}

// repair is a quirk Load repaired in the schema of a parameter of op.
type repair struct {
	op      *Operation
	schema  *openapi3.Schema
	problem string
}

// repairProblems are the problems of the repairs of ops (nil: every
// operation), one per repaired schema, the first operation's.
func repairProblems(repairs []repair, ops map[*Operation]bool) []string {
	var out []string
	told := map[*openapi3.Schema]bool{}
	for _, r := range repairs {
		if (ops == nil || ops[r.op]) && !told[r.schema] {
			told[r.schema] = true
			out = append(out, r.problem)
		}
	}
	return out
}

func typedEnum(s *openapi3.Schema) ([]any, bool) {
	if len(s.Enum) == 0 || len(s.Type.Slice()) != 1 {
		return nil, false
	}
	t := s.Type.Slice()[0]
	if !slices.Contains([]string{"boolean", "integer", "number"}, t) {
		return nil, false
	}
	out := make([]any, len(s.Enum))
	for i, v := range s.Enum {
		text, ok := v.(string)
		if !ok {
			return nil, false
		}
		var err error
		switch t {
		case "boolean":
			out[i], err = strconv.ParseBool(text)
		case "integer":
			out[i], err = strconv.ParseInt(text, 10, 64)
		case "number":
			out[i], err = strconv.ParseFloat(text, 64)
		}
		if err != nil {
			return nil, false
		}
	}
	return out, true
}
