// Command bare is the physical limit casebook's mock is measured against
// (bench/compare.sh): a net/http handler that reads the request body,
// decodes it as JSON and answers a small JSON object. No routing, no
// validation, no auth: whatever casebook mock costs above this is the price
// of answering like the vendor.
package main

import (
	"encoding/json"
	"flag"
	"io"
	"log"
	"net/http"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:18083", "where to listen (loopback)")
	flag.Parse()
	log.Fatal(http.ListenAndServe(*addr, http.HandlerFunc(handle)))
}

func handle(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	if err != nil {
		http.Error(w, `{"message":"the body could not be read"}`, http.StatusBadRequest)
		return
	}
	var v any
	if len(body) > 0 {
		if err := json.Unmarshal(body, &v); err != nil {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"message":"the body is not JSON"}`))
			return
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(`{"id":"bare","status":"ok"}`))
}
