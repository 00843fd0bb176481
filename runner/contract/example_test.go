package contract_test

import (
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/casebook-dev/casebook/runner/contract"
)

// A service built from the forum thread sends the recipient as
// {phoneNumber, id} and gets back an answer that is not what the contract
// says either. The Transport names both sides' problems.
func Example() {
	// A stand-in for the vendor: it queues every call, with a numeric id.
	vendor := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusAccepted)
		fmt.Fprint(w, `{"id": 5, "status": "dialing"}`)
	}))
	defer vendor.Close()

	s, err := contract.Load("../../specs/personal-connection.yaml")
	if err != nil {
		log.Fatal(err)
	}
	client := &http.Client{Transport: &contract.Transport{
		Spec:   s,
		Report: func(f contract.Finding) { fmt.Println(f) },
	}}

	req, _ := http.NewRequest("POST", vendor.URL+"/api/v2/outbound/campaigns/pc-campaign/calls",
		strings.NewReader(`{"recipient": {"phoneNumber": "+15550199", "id": "user-123"}, "initiator": {"id": "agent-456", "type": "agent"}}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer a-token")
	resp, err := client.Do(req)
	if err != nil {
		log.Fatal(err)
	}
	resp.Body.Close()
	// Output:
	// POST /api/v2/outbound/campaigns/pc-campaign/calls: request: error body /recipient/address: required: property "address" is missing
	// POST /api/v2/outbound/campaigns/pc-campaign/calls: request: error body /recipient/phoneNumber: additionalProperties: property "phoneNumber" is not allowed here (allowed: address, id, type) (did you mean address?)
	// POST /api/v2/outbound/campaigns/pc-campaign/calls: request: error body /recipient/type: required: property "type" is missing
	// POST /api/v2/outbound/campaigns/pc-campaign/calls -> 202: answer: error body /id: type: value must be a string (allowed: string)
	// POST /api/v2/outbound/campaigns/pc-campaign/calls -> 202: answer: error body /status: enum: value is not one of the allowed values ["queued"] (allowed: queued)
}
