package postgres

import (
	"github.com/jackc/pgx/v5/pgxpool"

	"helpdesk/search/analysis"
)

// NewBanded returns a backend that reads every table in bands of ids, the first span ids wide.
func NewBanded(pool *pgxpool.Pool, an *analysis.Analyzer, span float64) *Backend {
	b := New(pool, an)
	b.banded = 0
	b.span = func(float64, float64) float64 { return span }
	return b
}
