package postgres

import "testing"

func TestFirstSpan(t *testing.T) {
	for _, c := range []struct {
		name     string
		dfs      []float64
		required int
		want     float64
	}{
		{"no terms: the window", nil, 0, window},
		{"a common word: the window", []float64{500_000}, 1, window},
		{"a rarer word: enough ids for three Caps", []float64{100_000}, 1, 300_000},
		{"all of two: the rarer counts", []float64{600_000, 100_000}, 2, 300_000},
		{"one of two: the commoner counts", []float64{600_000, 100_000}, 1, window},
		{"a word no estimate finds", []float64{0}, 1, 3 * Cap * 1_000_000},
	} {
		if got := firstSpan(c.dfs, c.required, 1_000_000); got != c.want {
			t.Errorf("%s: firstSpan = %v, want %v", c.name, got, c.want)
		}
	}
}
