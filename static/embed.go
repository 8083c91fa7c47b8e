// Package static holds the portal's stylesheet, script and images, served with cache headers.
// Nothing is loaded from a CDN.
package static

import "embed"

// FS holds the assets.
//
//go:embed *.css *.js *.svg *.ico
var FS embed.FS

// Favicon is what answers /favicon.ico, which browsers and tools ask for whatever a page
// links: favicon.svg drawn at 32×32 (by chromium) in an ICO wrapper, for those that take no SVG.
//
//go:embed favicon.ico
var Favicon []byte
