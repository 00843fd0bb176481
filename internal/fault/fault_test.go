package fault

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Fault
	}{
		{"POST /api/v2/conversations/calls=status=429,retry-after=2,rate=1",
			Fault{Method: "POST", Path: "/api/v2/conversations/calls", Status: 429, RetryAfter: "2", Rate: 1}},
		{"GET /api/v2/outbound/campaigns/{campaignId}=delay=2s,times=1",
			Fault{Method: "GET", Path: "/api/v2/outbound/campaigns/{campaignId}", Delay: 2 * time.Second, Times: 1}},
		{"/api/v2/outbound/=status=503, code=service.unavailable", Fault{Path: "/api/v2/outbound/", Status: 503, Code: "service.unavailable"}},
		{"post=reset", Fault{Method: "POST", Reset: true}},
		{"status=503,rate=0.25", Fault{Status: 503, Rate: 0.25}},
		{"drop=true,times=2", Fault{Drop: true, Times: 2}},
	} {
		got, err := Parse(tc.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.in, err)
			continue
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("Parse(%q) (-want +got):\n%s", tc.in, diff)
		}
		if again, err := Parse(got.String()); err != nil || again != got {
			t.Errorf("Parse(%q.String() = %q) = %+v, %v; want it back", tc.in, got.String(), again, err)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"POST /x=statsu=429", `unknown key "statsu"`},
		{"POST /x=statsu=429", `(did you mean "status"?)`},
		{"status=200", "want an error status (400-599)"},
		{"status=429,rate=2", "rate=2: want a share between 0 and 1"},
		{"delay=soon", "delay=soon: want a duration such as 500ms or 2s"},
		{"retry-after=later,status=429", "retry-after=later: want seconds such as 2, or an HTTP-date"},
		{"POST /x=", "no KEY=VALUE"},
		{"POST /x=times=2", "nothing to inject"},
		{"FETCH /x=status=429", `method "FETCH"`},
		{"drop,reset", "choose one way"},
	} {
		_, err := Parse(tc.in)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Parse(%q) = %v, want an error containing %q", tc.in, err, tc.want)
		}
	}
}

func TestDecodeNode(t *testing.T) {
	var doc yaml.Node
	src := "- {method: POST, path: /calls, status: 429, retryAfter: 2, rate: 0.5}\n- GET /x=delay=1s\n- {status: 429, retyAfter: 2}\n- [1]\n"
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		t.Fatal(err)
	}
	items := doc.Content[0].Content
	var f Fault
	if err := f.DecodeNode("c.yaml", items[0]); err != nil || f != (Fault{Method: "POST", Path: "/calls", Status: 429, RetryAfter: "2", Rate: 0.5}) {
		t.Errorf("mapping = %+v, %v", f, err)
	}
	f = Fault{}
	if err := f.DecodeNode("c.yaml", items[1]); err != nil || f != (Fault{Method: "GET", Path: "/x", Delay: time.Second}) {
		t.Errorf("string = %+v, %v", f, err)
	}
	f = Fault{}
	if err := f.DecodeNode("c.yaml", items[2]); err == nil || !strings.Contains(err.Error(), `c.yaml:3:17: unknown key "retyAfter"`) {
		t.Errorf("misspelt key: %v, want it placed at the key, 3:17", err)
	}
	if err := f.DecodeNode("c.yaml", items[3]); err == nil || !strings.Contains(err.Error(), "want a fault") {
		t.Errorf("a list: %v", err)
	}
}
