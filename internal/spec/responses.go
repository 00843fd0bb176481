package spec

import (
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// SuccessResponse is the answer a valid request gets: the lowest 2xx
// status the operation declares (a "2XX" range counts as 200), else 200
// with no declared response. The mock answers with it and generated
// cases expect it.
func (op *Operation) SuccessResponse() (int, *openapi3.Response) {
	best, bestStatus := (*openapi3.Response)(nil), 0
	if op.Op.Responses != nil {
		for code, ref := range op.Op.Responses.Map() {
			st := 0
			switch {
			case strings.EqualFold(code, "2XX"):
				st = 200
			case len(code) == 3 && code[0] == '2':
				st, _ = strconv.Atoi(code)
			}
			if st != 0 && (bestStatus == 0 || st < bestStatus) && ref != nil {
				best, bestStatus = ref.Value, st
			}
		}
	}
	if bestStatus == 0 {
		return 200, nil
	}
	return bestStatus, best
}
