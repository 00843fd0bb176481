package mockserver

import (
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/casebook-dev/casebook/internal/generate"
	"github.com/casebook-dev/casebook/internal/lint"
	"github.com/casebook-dev/casebook/internal/spec"
	"github.com/casebook-dev/casebook/internal/testenv"
)

// BenchmarkServeHTTP measures one answer through the whole pipeline
// (routing, token lookup, permissions, validation, rules, generation),
// without the network, on both cores (RunParallel). Each request is checked
// once before the loop: a benchmark of the wrong status measures nothing.
func BenchmarkServeHTTP(b *testing.B) {
	for _, sc := range []struct {
		name, spec, path string
		overlay          bool
		cases            []benchCase
	}{
		{"genesys-subset", genesysSpec, "/api/v2/conversations/calls", true, []benchCase{
			{"correct call", "agent", `{"phoneNumber": "+13175550123"}`, 200},
			{"no station", "agent-no-station", `{"phoneNumber": "+13175550123"}`, 400},
			{"invalid body", "agent", `{"phoneNumber": 1, "priority": "x"}`, 400},
		}},
		{"personal-connection", pcSpec, "/api/v2/outbound/campaigns/pc-campaign/calls", true, []benchCase{
			{"valid", "pc-service", `{"recipient": {"type": "phone", "address": "+15550199"}, "initiator": {"id": "agent-456", "type": "agent"}}`, 202},
			{"invalid", "pc-service", `{"recipient": {"phoneNumber": "+15550199", "id": "user-123"}, "initiator": {"id": "agent-456"}}`, 400},
		}},
		// The published swagger has no overlay: the default client holds every scope.
		{"published-swagger", realSwagger, "/api/v2/conversations/calls", false, []benchCase{
			{"valid", "default", `{"phoneNumber": "+13175550123"}`, 200},
			{"invalid", "default", `{"phoneNumber": 1, "priority": "x"}`, 400},
		}},
	} {
		b.Run(sc.name, func(b *testing.B) {
			if _, err := os.Stat(sc.spec); err != nil {
				b.Skip(err)
			}
			cfg := Config{Spec: loadSpec(b, sc.spec)}
			if sc.overlay {
				cfg.Overlay = mustOverlay(b, sc.spec)
			}
			srv, err := New(cfg)
			if err != nil {
				b.Fatal(err)
			}
			for _, bc := range sc.cases {
				b.Run(bc.name, func(b *testing.B) { bc.run(b, srv, sc.path) })
			}
			// The first request again with a request log, as `casebook
			// mock --log FILE` writes it (bench/compare.sh): slog's text
			// handler over a LogWriter, here one that never flushes to a file.
			lw := NewLogWriter(io.Discard, time.Hour)
			defer lw.Close()
			cfg.Logger = slog.New(slog.NewTextHandler(lw, &slog.HandlerOptions{Level: slog.LevelInfo}))
			logged, err := New(cfg)
			if err != nil {
				b.Fatal(err)
			}
			bc := sc.cases[0]
			b.Run(bc.name+" logged", func(b *testing.B) { bc.run(b, logged, sc.path) })
		})
	}
}

type benchCase struct {
	name, client, body string
	want               int
}

func (bc benchCase) run(b *testing.B, srv *Server, path string) {
	tok := issue(srv, bc.client)
	serve := func() *httptest.ResponseRecorder {
		req := httptest.NewRequest("POST", path, strings.NewReader(bc.body))
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		return rec
	}
	if rec := serve(); rec.Code != bc.want {
		b.Fatalf("POST %s (%s) = %d %s, want %d", path, bc.name, rec.Code, rec.Body, bc.want)
	}
	b.ReportAllocs()
	cpu := testenv.ProcessCPU()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if rec := serve(); rec.Code != bc.want {
				b.Errorf("POST %s (%s) = %d, want %d", path, bc.name, rec.Code, bc.want)
				return
			}
		}
	})
	// CPU time spent per request, beside ns/op: on a shared machine the
	// wall clock counts the time other processes held the CPUs.
	if used := testenv.ProcessCPU() - cpu; used > 0 {
		b.ReportMetric(float64(used.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
}

// BenchmarkPublishedStartup loads a big published spec and starts a mock
// on it: what `casebook mock --spec` costs before its first answer (the
// mock validates the spec in the background once it serves). The
// Genesys Cloud swagger (4.2 MB, 568 paths), Stripe's 2022-04 and GitHub's
// 2022-06 OpenAPI 3.0 specs (bench/bigspecs.sh).
func BenchmarkPublishedStartup(b *testing.B) {
	for _, bc := range []struct{ name, path string }{
		{"genesys-swagger", realSwagger},
		{"stripe-2022-04", "../../shared/specs-real/stripe-spec3-2022-04.json"},
		{"github-2022-06", "../../shared/specs-real/github-api-2022-06.json"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				s, err := spec.Load(bc.path)
				if err != nil {
					b.Fatal(err)
				}
				srv, err := New(Config{Spec: s})
				if err != nil {
					b.Fatal(err)
				}
				if err := srv.Start(); err != nil {
					b.Fatal(err)
				}
				_ = srv.Close()
			}
		})
	}
}

// BenchmarkCheckAnswers checks the mock's generated success answers of
// every operation of the shipped Genesys Cloud and Personal Connection
// specs against their schemas, as the runner's conformance check does:
// through lint's Validator (which leaves out the direction where no
// readOnly or writeOnly property can make it matter), and through
// kin-openapi's VisitJSON with the direction always on, in one run.
func BenchmarkCheckAnswers(b *testing.B) {
	type answer struct {
		schema *openapi3.Schema
		value  any
	}
	docs := map[*openapi3.T][]answer{}
	for _, path := range []string{genesysSpec, pcSpec} {
		s := loadSpec(b, path)
		gen := generate.NewValues(rand.New(rand.NewPCG(1, 2)), s.Doc, lint.AsResponse)
		for _, op := range s.Operations() {
			for code, ref := range op.Op.Responses.Map() {
				media := ref.Value.Content.Get("application/json")
				if !strings.HasPrefix(code, "2") || media == nil || media.Schema == nil {
					continue
				}
				v := gen.Value(media.Schema, "")
				if err := lint.NewValidator(s.Doc, lint.AsResponse).Visit(media.Schema.Value, v); err != nil {
					b.Fatalf("%s %s %s: the generated answer does not validate: %v", op.Method, op.Path, code, err)
				}
				docs[s.Doc] = append(docs[s.Doc], answer{media.Schema.Value, v})
			}
		}
	}
	for _, how := range []string{"validator", "kin-direction"} {
		b.Run(how, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				for doc, answers := range docs {
					v, opts := lint.NewValidator(doc, lint.AsResponse), lint.SchemaOptions(doc, lint.AsResponse)
					for _, a := range answers {
						var err error
						if how == "validator" {
							err = v.Visit(a.schema, a.value)
						} else {
							err = a.schema.VisitJSON(a.value, opts...)
						}
						if err != nil {
							b.Fatal(err)
						}
					}
				}
			}
		})
	}
}
