package store

import "context"

// MigrateUpTo applies the migrations up to version v: a database as an older release left it.
func (s *Store) MigrateUpTo(ctx context.Context, v int) ([]string, error) { return s.migrate(ctx, v) }
