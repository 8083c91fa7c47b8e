// Package migrations holds the numbered SQL files that build the schema, embedded so the
// binaries carry them. Files are named NNN_description.sql and applied in numeric order.
package migrations

import "embed"

// FS holds every migration file.
//
//go:embed *.sql
var FS embed.FS
