# casebook: the two commands are `make run` (the shipped cases against the
# built-in mock) and `make test` (everything CI checks).
GO        ?= go
FUZZTIME  ?= 15s
# TEST_FUZZTIME is each fuzz target's time within make test: a short run
# on every push (each target's seed corpus also runs in go test), with
# make fuzz for a longer one.
TEST_FUZZTIME ?= 5s
BIN       ?= bin/casebook
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -X github.com/casebook-dev/casebook/runner.Version=$(VERSION)

.PHONY: all build run test lint vet fmt-check fuzz test-deps bench clean

all: build

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/casebook

run:
	$(GO) run ./cmd/casebook run

# test is what .ci/run calls: formatting, vet, the race-enabled suite
# (end-to-end tests drive the command in a process of its own) and bounded fuzzing.
# CASEBOOK_REQUIRE_TOOLS=1: a test whose tool (chromium, node and ws,
# python3) is missing fails instead of skipping (internal/testenv).
test: test-deps fmt-check vet
	CASEBOOK_REQUIRE_TOOLS=1 $(GO) test -race -count=1 ./...
	$(MAKE) fuzz FUZZTIME=$(TEST_FUZZTIME)

test-deps:
	./scripts/install-test-deps.sh

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

lint: fmt-check vet

# Each fuzz target runs for FUZZTIME; a crash fails the build and its input
# lands in testdata/fuzz for a regression test. scripts/fuzz.sh tells a
# finding from Go 1.26's own deadline race at the end of -fuzztime.
fuzz:
	GO=$(GO) ./scripts/fuzz.sh ./internal/strictyaml FuzzParse $(FUZZTIME)
	GO=$(GO) ./scripts/fuzz.sh ./internal/strictyaml FuzzParseFast $(FUZZTIME)
	GO=$(GO) ./scripts/fuzz.sh ./internal/strictyaml FuzzJSONScalar $(FUZZTIME)
	GO=$(GO) ./scripts/fuzz.sh ./internal/casefile FuzzDecode $(FUZZTIME)
	GO=$(GO) ./scripts/fuzz.sh ./internal/curl FuzzParse $(FUZZTIME)
	GO=$(GO) ./scripts/fuzz.sh ./internal/jsonvalue FuzzDecode $(FUZZTIME)
	GO=$(GO) ./scripts/fuzz.sh ./internal/lint FuzzFormAndQuery $(FUZZTIME)
	GO=$(GO) ./scripts/fuzz.sh ./internal/lint FuzzCheckResponseSharedJSON $(FUZZTIME)
	GO=$(GO) ./scripts/fuzz.sh ./internal/lint FuzzCheckURI $(FUZZTIME)
	GO=$(GO) ./scripts/fuzz.sh ./reports FuzzCanonicalJSON $(FUZZTIME)
	GO=$(GO) ./scripts/fuzz.sh ./reports FuzzJSONCase $(FUZZTIME)
	GO=$(GO) ./scripts/fuzz.sh ./reports FuzzJUnit $(FUZZTIME)
	GO=$(GO) ./scripts/fuzz.sh ./internal/jsonvalue FuzzAppendString $(FUZZTIME)
	GO=$(GO) ./scripts/fuzz.sh ./internal/jsonvalue FuzzRecode $(FUZZTIME)
	GO=$(GO) ./scripts/fuzz.sh ./internal/diff FuzzShow $(FUZZTIME)
	GO=$(GO) ./scripts/fuzz.sh ./internal/secret FuzzName $(FUZZTIME)
	GO=$(GO) ./scripts/fuzz.sh ./internal/target FuzzCorrelationID $(FUZZTIME)
	@for t in $$(grep -ho '^func Fuzz[A-Za-z0-9_]*' mockserver/*_test.go 2>/dev/null | sed 's/func //'); do \
		echo "GO=$(GO) ./scripts/fuzz.sh ./mockserver $$t $(FUZZTIME)"; \
		GO=$(GO) ./scripts/fuzz.sh ./mockserver $$t $(FUZZTIME) || exit 1; done

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

clean:
	rm -rf bin
