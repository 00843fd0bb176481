package spec

import (
	"encoding/json"
	"maps"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/getkin/kin-openapi/openapi2"
)

// decodeSwagger2 decodes a Swagger 2.0 JSON document into doc as
// json.Unmarshal does, in about half the time on two CPUs. openapi2's
// decoder parses the whole document twice (typed, then generically for
// its x- extensions) and every nested level again; published specs are
// megabytes (Genesys Cloud's 2018 swagger: 4.2 MB, 568 paths), and this is
// most of `casebook mock`'s start-up. Here "paths" and "definitions",
// nearly all of such a spec, are split off and decoded entry by entry on
// every CPU. Errors carry no document offset: the caller decodes again
// the slow way to place them.
func decodeSwagger2(data []byte, doc *openapi2.T) error {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return err
	}
	paths, hasPaths := top["paths"]
	defs, hasDefs := top["definitions"]
	delete(top, "paths")
	delete(top, "definitions")
	rest, err := json.Marshal(top)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(rest, doc); err != nil {
		return err
	}
	if hasPaths {
		if doc.Paths, err = decodeEntries[openapi2.PathItem](paths); err != nil {
			return err
		}
	}
	if hasDefs {
		if doc.Definitions, err = decodeEntries[openapi2.SchemaRef](defs); err != nil {
			return err
		}
	}
	return nil
}

// decodeEntries decodes a JSON object into a map of *V, the entries in
// parallel. A null entry is a nil pointer, as json.Unmarshal makes it.
func decodeEntries[V any](raw json.RawMessage) (map[string]*V, error) {
	var entries map[string]json.RawMessage
	if err := json.Unmarshal(raw, &entries); err != nil || entries == nil {
		return nil, err
	}
	keys := slices.Collect(maps.Keys(entries))
	vals := make([]*V, len(keys))
	errs := make([]error, len(keys))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(keys)) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < len(keys); i = int(next.Add(1) - 1) {
				if e := entries[keys[i]]; string(e) != "null" {
					vals[i] = new(V)
					errs[i] = json.Unmarshal(e, vals[i])
				}
			}
		})
	}
	wg.Wait()
	out := make(map[string]*V, len(keys))
	for i, k := range keys {
		if errs[i] != nil {
			return nil, errs[i]
		}
		out[k] = vals[i]
	}
	return out, nil
}
