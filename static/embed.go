// Package static holds the portal's stylesheet, script and images, served with cache headers.
// Nothing is loaded from a CDN.
package static

import "embed"

// FS holds the assets.
//
//go:embed *.css *.js
var FS embed.FS
