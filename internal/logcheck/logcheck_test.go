package logcheck

import (
	"strings"
	"testing"
)

func TestLines(t *testing.T) {
	cases := []struct {
		name, in string
		wantErr  string // substring; "" for none
		lines    int
	}{
		{"slog lines", `{"time":"x","level":"INFO","msg":"request","status":200}` + "\n\n" + `{"a":{"b":[{"c":1},{"c":2}]}}` + "\n", "", 2},
		{"repeated key", `{"component":"indexer","component":"sla"}`, `key "component" repeated`, 0},
		{"repeated nested key", `{"ok":1}` + "\n" + `{"a":{"b":1,"b":2}}`, `line 2: key "a.b" repeated`, 1},
		{"keys repeated across array items are fine", `{"a":[{"b":1},{"b":2}]}`, "", 1},
		{"plain text", "panic: boom", "not JSON", 0},
		{"an array", `[1,2]`, "not a JSON object", 0},
		{"two objects", `{"a":1}{"b":2}`, "more than one value", 0},
		{"truncated", `{"a":`, "not JSON", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n, err := Lines(strings.NewReader(c.in))
			if c.wantErr == "" && err != nil || c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)) {
				t.Fatalf("err = %v, want %q", err, c.wantErr)
			}
			if n != c.lines {
				t.Errorf("%d good lines, want %d", n, c.lines)
			}
		})
	}
}
