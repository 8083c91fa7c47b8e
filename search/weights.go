package search

// Ranking weights, read by both engines: a term's match counts by the field it is in times
// how it matched, so a title beats a body, the exact word beats its stem, which beats a
// synonym, a word start and a typo, in that order.
const (
	WeightTitle    = 3.0
	WeightBody     = 1.0
	WeightComments = 1.0
	WeightInternal = 1.0

	KindExact   = 1.0
	KindStem    = 0.8
	KindSynonym = 0.7
	KindPrefix  = 0.6
	KindFuzzy   = 0.4

	// The query's words in order, as a phrase.
	WeightTitlePhrase = 6.0
	WeightBodyPhrase  = 3.0

	// StrictBonus is added to the score of every document of the strict pass when the relaxed
	// pass runs, so that all of them rank above the documents only the relaxed pass finds.
	StrictBonus = 1000.0
)
