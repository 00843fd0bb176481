package jsonptr

import "testing"

func TestJoinSplitRoundTrip(t *testing.T) {
	tests := []struct {
		name   string
		tokens []string
		want   string
	}{
		{"empty", nil, ""},
		{"plain", []string{"recipient", "address"}, "/recipient/address"},
		{"escapes", []string{"a/b", "c~d"}, "/a~1b/c~0d"},
		{"empty key", []string{""}, "/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Join(tt.tokens...)
			if got != tt.want {
				t.Fatalf("Join(%q) = %q, want %q", tt.tokens, got, tt.want)
			}
			back := Split(got)
			if len(back) != len(tt.tokens) {
				t.Fatalf("Split(%q) = %q, want %q", got, back, tt.tokens)
			}
			for i := range back {
				if back[i] != tt.tokens[i] {
					t.Fatalf("Split(%q) = %q, want %q", got, back, tt.tokens)
				}
			}
		})
	}
}

func TestGet(t *testing.T) {
	doc := map[string]any{
		"a": []any{map[string]any{"b/c": 1.0}},
	}
	if v, ok := Get(doc, "/a/0/b~1c"); !ok || v != 1.0 {
		t.Fatalf("Get(/a/0/b~1c) = %v, %v; want 1, true", v, ok)
	}
	for _, p := range []string{"/a/1", "/a/01", "/x", "/a/0/b~1c/d"} {
		if _, ok := Get(doc, p); ok {
			t.Errorf("Get(%q) found a value, want none", p)
		}
	}
}

func TestValidAndParent(t *testing.T) {
	if !Valid("/a~0b") || Valid("a") || Valid("/a~2") || Valid("/a~") {
		t.Fatal("Valid misjudges pointers")
	}
	if p, l := Parent("/recipient/address"); p != "/recipient" || l != "address" {
		t.Fatalf("Parent = %q, %q", p, l)
	}
}

func TestBracketed(t *testing.T) {
	for _, tt := range []struct{ ptr, want string }{
		{"", ""},
		{"/balance", "balance"},
		{"/tiers/0/up_to", "tiers[0][up_to]"},
		{"/a~1b/c", "a/b[c]"},
	} {
		if got := Bracketed(tt.ptr); got != tt.want {
			t.Errorf("Bracketed(%q) = %q, want %q", tt.ptr, got, tt.want)
		}
	}
}
