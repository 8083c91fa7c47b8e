package config

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// parseURLList reads a comma-separated list of http(s) base URLs (the nodes of a cluster),
// trailing slashes dropped. Duplicates are errors: they would double one node's share.
func parseURLList(list string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, item := range strings.Split(list, ",") {
		item = strings.TrimRight(strings.TrimSpace(item), "/")
		if item == "" {
			continue
		}
		u, err := url.Parse(item)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			return nil, fmt.Errorf("%q must be an http:// or https:// URL, or several separated by commas", item)
		}
		if seen[item] {
			return nil, fmt.Errorf("names %q twice", item)
		}
		seen[item] = true
		out = append(out, item)
	}
	return out, nil
}

// intInRange reads an integer from lo to hi; empty gives def.
func intInRange(v string, def, lo, hi int) (int, error) {
	if v = strings.TrimSpace(v); v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, fmt.Errorf("%q: %w", v, err)
	}
	if n < lo || n > hi {
		return 0, fmt.Errorf("%d is not from %d to %d", n, lo, hi)
	}
	return n, nil
}
