package analysis

import (
	_ "embed"
	"strings"
)

//go:embed starter_synonyms.txt
var starterSynonyms string

// StarterSynonyms is the synonym list the product ships with: Spanish and English words of IT
// help desks and their abbreviations, within and across the two languages. `portalctl
// migrate` installs it once into a new database; staff edit it from then on.
func StarterSynonyms() []SynonymGroup {
	g, err := ParseSynonyms(strings.NewReader(starterSynonyms))
	if err != nil {
		panic("starter_synonyms.txt: " + err.Error()) // a test reads it: it cannot ship broken
	}
	return g
}
