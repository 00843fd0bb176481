package spec

import (
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// SuccessResponse is the answer a valid request gets: the lowest 2xx
// status the operation declares (a "2XX" range counts as 200), else its
// lowest 3xx (GitHub's archive downloads declare only a 302 redirect),
// else 200 with no declared response. The mock answers with it and
// generated cases expect it.
func (op *Operation) SuccessResponse() (int, *openapi3.Response) {
	for _, class := range []byte{'2', '3'} {
		if st, resp := op.lowest(class); st != 0 {
			return st, resp
		}
	}
	return 200, nil
}

// lowest is the lowest declared status of a class ('2' for 2xx), a range
// ("2XX") counting as its x00.
func (op *Operation) lowest(class byte) (int, *openapi3.Response) {
	best, bestStatus := (*openapi3.Response)(nil), 0
	if op.Op.Responses == nil {
		return 0, nil
	}
	for code, ref := range op.Op.Responses.Map() {
		st := 0
		switch {
		case len(code) == 3 && code[0] == class && strings.EqualFold(code[1:], "XX"):
			st = int(class-'0') * 100
		case len(code) == 3 && code[0] == class:
			st, _ = strconv.Atoi(code)
		}
		if st != 0 && (bestStatus == 0 || st < bestStatus) && ref != nil {
			best, bestStatus = ref.Value, st
		}
	}
	return bestStatus, best
}

// ResponseFor is the response the operation declares for an answer's
// status: the status itself, then its range (4XX), then default. ok is
// false when none covers it; resp may be nil when a reference did not
// resolve.
func (op *Operation) ResponseFor(status int) (resp *openapi3.Response, ok bool) {
	if op.Op.Responses == nil {
		return nil, false
	}
	ref := op.Op.Responses.Status(status)
	if ref == nil {
		ref = op.Op.Responses.Default()
	}
	if ref == nil {
		return nil, false
	}
	return ref.Value, true
}

// BadRequestStatus is the status for a request that fails validation: 400,
// unless the operation leaves 400 undeclared (no 400, 4XX or default) and
// declares 422, the other status APIs give invalid input (GitHub's
// "Validation failed"). The mock answers with it and generated negative
// cases expect it.
func (op *Operation) BadRequestStatus() int {
	if _, ok := op.ResponseFor(400); ok || op.Op.Responses == nil || op.Op.Responses.Value("422") == nil {
		return 400
	}
	return 422
}
