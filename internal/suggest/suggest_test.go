package suggest

import "testing"

func TestDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"abc", "", 3},
		{"kitten", "sitting", 3},
		{"callerid", "callerId", 0},
		{"expcet", "expect", 1}, // a transposition is one edit
		{"rnu", "run", 1},
		{"ca", "abc", 3},          // optimal string alignment, not full Damerau: no edit after a transposition
		{"Ünïcode", "unicode", 2}, // the rune path: Ü and ï differ from u and i
	}
	for _, tt := range tests {
		if got := Distance(tt.a, tt.b); got != tt.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestClosest(t *testing.T) {
	keys := []string{"name", "request", "expect", "pitfall", "tags"}
	tests := []struct {
		name, in, want string
	}{
		{"transposition", "expcet", "expect"},
		{"missing letter", "reqest", "request"},
		{"nothing near", "zzzzzzzz", ""},
		{"prefix", "req", "request"},
		{"contains candidate", "pitfallText", "pitfall"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Closest(tt.in, keys); got != tt.want {
				t.Errorf("Closest(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
	if got := Closest("x", nil); got != "" {
		t.Errorf("Closest with no candidates = %q, want empty", got)
	}
}
