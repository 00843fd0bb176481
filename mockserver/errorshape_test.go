package mockserver

import (
	"encoding/json"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/casebook-dev/casebook/internal/jsonptr"
	"github.com/casebook-dev/casebook/internal/lint"
	"github.com/casebook-dev/casebook/internal/spec"
)

const corpusDir = "../../shared/specs-real/"

// TestErrorShapes: where a spec declares its own error schema for the
// status (or its range, or default), the mock's error answer is a value of
// that schema in its declared media type, carrying the diagnosis in the
// properties whose names say what they hold, and lint.CheckResponse finds
// nothing in it.
func TestErrorShapes(t *testing.T) {
	tests := []struct {
		name, spec, method, target, contentType, body string
		basic                                         bool
		wantStatus                                    int
		wantType                                      string
		want                                          map[string]any // pointer -> value
	}{
		{
			// Stripe declares only 200 and default (its error object); the
			// field is named the way Stripe names it, as a form key.
			name: "Stripe error with param", spec: "stripe-spec3-2022-04.json", basic: true,
			method: "POST", target: "/v1/customers", contentType: "application/x-www-form-urlencoded", body: "balance=lots",
			wantStatus: 400, wantType: "application/json",
			want: map[string]any{
				"/error/type":    "invalid_request_error", // the enum member nearest a 400
				"/error/param":   "balance",
				"/error/code":    "bad.request",
				"/error/message": "The request is not valid for the operation. /balance: value must be an integer",
			},
		},
		{
			// GitHub declares 422 validation-error (not 400) for invalid
			// input: the mock answers 422, one errors[] item per finding.
			name: "GitHub validation-error", spec: "github-api-2022-06.json",
			method: "POST", target: "/repos/o/r/labels", contentType: "application/json", body: `{"color": "fff"}`,
			wantStatus: 422, wantType: "application/json",
			want: map[string]any{
				"/message":          `The request is not valid for the operation. /name: property "name" is missing`,
				"/errors/0/field":   "name",
				"/errors/0/code":    "bad.request",
				"/errors/0/message": `property "name" is missing`,
			},
		},
		{
			// The petstore's Error requires an int32 code and a message.
			name: "petstore Error with int32 code", spec: "openapi-examples/v3.0-petstore.yaml",
			method: "GET", target: "/pets?limit=abc",
			wantStatus: 400, wantType: "application/json",
			want: map[string]any{
				"/code":    float64(400),
				"/message": "The request is not valid for the operation. /limit: value must be an integer",
			},
		},
		{
			// A 415 comes in the default's schema too.
			name: "petstore 415 through default", spec: "openapi-examples/v3.0-petstore.yaml",
			method: "POST", target: "/pets", contentType: "text/plain", body: "rex",
			wantStatus: 415, wantType: "application/json",
			want: map[string]any{"/code": float64(415)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := loadSpec(t, corpusDir+tt.spec)
			srv, err := New(Config{Spec: s, Stateless: true})
			if err != nil {
				t.Fatal(err)
			}
			req := httptest.NewRequest(tt.method, tt.target, strings.NewReader(tt.body))
			if tt.contentType != "" {
				req.Header.Set("Content-Type", tt.contentType)
			}
			if tt.basic {
				req.SetBasicAuth("casebook", "casebook")
			}
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, req)
			if rec.Code != tt.wantStatus || rec.Header().Get("Content-Type") != tt.wantType {
				t.Fatalf("%s %s = %d %s %s, want %d %s", tt.method, tt.target, rec.Code, rec.Header().Get("Content-Type"), rec.Body, tt.wantStatus, tt.wantType)
			}
			var body any
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
				t.Fatalf("answer is not JSON: %v\n%s", err, rec.Body)
			}
			got := map[string]any{}
			for p := range tt.want {
				got[p], _ = jsonptr.Get(body, p)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("error answer (-want +got):\n%s\nbody: %s", diff, rec.Body)
			}
			m, err := s.Find(tt.method, strings.SplitN(tt.target, "?", 2)[0])
			if err != nil {
				t.Fatal(err)
			}
			if fs := lint.CheckResponse(m, &lint.Response{Method: tt.method, Status: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}); len(fs) > 0 {
				t.Errorf("the mock's error answer breaks its own spec: %v\n%s", fs, rec.Body)
			}
		})
	}
}

// TestErrorShapeDropsOptional: Stripe's error object declares a dozen
// optional members (payment_intent, payment_method...); the answer keeps
// only what the diagnosis fills and what the schema requires.
func TestErrorShapeDropsOptional(t *testing.T) {
	srv, err := New(Config{Spec: loadSpec(t, corpusDir+"stripe-spec3-2022-04.json"), Stateless: true})
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest("GET", "/v1/customers", nil) // no credentials
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	var body struct{ Error map[string]any }
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || rec.Code != http.StatusUnauthorized {
		t.Fatalf("GET /v1/customers without credentials = %d %s, want 401 with an error object", rec.Code, rec.Body)
	}
	if diff := cmp.Diff([]string{"code", "message", "type"}, slices.Sorted(maps.Keys(body.Error))); diff != "" {
		t.Errorf("error members (-want +got):\n%s\n%s", diff, rec.Body)
	}
}

// TestDeclaredEnvelopeKeepsOverlays: an overlay that names its envelope
// keeps it, whatever the spec declares.
func TestDeclaredEnvelopeKeepsOverlays(t *testing.T) {
	s := loadSpec(t, corpusDir+"openapi-examples/v3.0-petstore.yaml")
	ov := DefaultOverlay()
	ov.Envelope = string(spec.EnvelopeProblem)
	srv, err := New(Config{Spec: s, Overlay: ov, Stateless: true})
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest("GET", "/pets?limit=abc", nil))
	if got := problems(t, rec); rec.Code != 400 || rec.Header().Get("Content-Type") != "application/problem+json" || len(got) != 1 || got[0] != "/limit type" {
		t.Errorf("envelope: problem = %d %s %v, want 400 problem+json naming /limit type", rec.Code, rec.Header().Get("Content-Type"), got)
	}
}

// TestErrorShapeEdges: the answer stays within the declared schema where
// the diagnosis does not fit it (a closed object whose message is capped
// at 10 characters keeps the generated one), a text/plain declaration gets
// the message as text, and a 4XX range's problem+json schema gets one
// invalid_params item per finding, named as RFC 9457's example names them.
func TestErrorShapeEdges(t *testing.T) {
	s := loadSpec(t, "testdata/error-shapes.yaml")
	srv, err := New(Config{Spec: s, Stateless: true})
	if err != nil {
		t.Fatal(err)
	}
	post := func(path string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("POST", path, strings.NewReader(`{"n": "x"}`))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		m, err := s.Find("POST", path)
		if err != nil {
			t.Fatal(err)
		}
		if fs := lint.CheckResponse(m, &lint.Response{Method: "POST", Status: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}); len(fs) > 0 {
			t.Errorf("POST %s: the mock's error answer breaks its own spec: %v\n%s", path, fs, rec.Body)
		}
		return rec
	}

	rec := post("/closed")
	var closed map[string]any
	_ = json.Unmarshal(rec.Body.Bytes(), &closed)
	if rec.Code != 400 || closed["code"] != "E_INVALID_REQUEST" || len(closed["message"].(string)) > 10 {
		t.Errorf("POST /closed = %d %s, want 400 with code E_INVALID_REQUEST and a message of at most 10 characters", rec.Code, rec.Body)
	}

	rec = post("/text")
	if want := "The request is not valid for the operation. /n: value must be an integer\n"; rec.Code != 400 ||
		rec.Header().Get("Content-Type") != "text/plain" || rec.Body.String() != want {
		t.Errorf("POST /text = %d %s %q, want 400 text/plain %q", rec.Code, rec.Header().Get("Content-Type"), rec.Body, want)
	}

	rec = post("/ranged")
	var problem map[string]any
	_ = json.Unmarshal(rec.Body.Bytes(), &problem)
	want := map[string]any{
		"type": "about:blank", "title": "Bad Request", "status": float64(400),
		"detail":         "The request is not valid for the operation. /n: value must be an integer",
		"invalid_params": []any{map[string]any{"name": "n", "reason": "value must be an integer"}},
	}
	if diff := cmp.Diff(want, problem); diff != "" || rec.Header().Get("Content-Type") != "application/problem+json" {
		t.Errorf("POST /ranged = %d %s (-want +got):\n%s", rec.Code, rec.Header().Get("Content-Type"), diff)
	}
}
