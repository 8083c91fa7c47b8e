// Package templates holds the portal's html/template views, embedded and parsed once at start.
package templates

import "embed"

// FS holds every view; layout.html wraps the pages.
//
//go:embed *.html
var FS embed.FS
