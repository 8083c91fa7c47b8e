package analysis

import "strings"

// Stop words are the words of a question that say nothing about its subject: articles,
// pronouns, prepositions, auxiliary verbs, question words and negations ("the printer does not
// print" is about a printer that prints, whatever the negation says). They never count towards
// the words a document must match; documents keep them, so a phrase still matches as written.
// Folded forms: "como" is both "como" and "cómo". Both languages are one list, since a query's
// language is unknown and a Spanish stop word is rarely an English content word and vice versa.

// IsStop reports whether a folded word is a stop word in Spanish or English.
func IsStop(word string) bool { return stopWords[word] }

var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, list := range []string{spanishStop, englishStop} {
		for _, w := range strings.Fields(list) {
			m[w] = true
		}
	}
	return m
}()

const spanishStop = `
a al algo alguien algun alguna algunas alguno algunos ante antes asi aun aunque cada casi como con
contra cual cuales cualquier cuando cuanto de del desde donde durante e el ella ellas ello ellos en
entre era eran eres es esa esas ese eso esos esta estaba estado estan estar estas este esto estos
estoy fue fueron ha habia han has hasta hay he la las le les lo los luego me mi mis mientras mucho
muy nada ni ningun ninguna ninguno no nos nosotros nunca o os otra otro para pero poco por porque
pues que quien quienes se sea segun ser si sido siempre sin sino sobre solo somos son soy su sus
tal tambien tampoco tan tanto te tengo tiene tienen toda todas todo todos tu tus u un una unas uno
unos usted ustedes vosotros y ya yo
puedo puede pueden podria podemos debo debe deberia hacer hago hace hacemos quiero quiere queremos
necesito necesita necesitamos consigo logro funciona funcionan sale salen dice pasa ocurre
por favor favor hola gracias ayuda ayudar alguien saber se como ahora
`

const englishStop = `
a about above after again all also am an and any are as at be because been before being below
between both but by can could did do does doing done during each few for from further had has have
having he her here hers him his how i if in into is it its itself just me more most my myself no
nor not now of off on once only or other our ours out over own same she should so some such than
that the their theirs them then there these they this those through to too under until up very was
we were what when where which while who whom why will with would you your yours
don doesn didn isn aren wasn weren won wouldn couldn shouldn can cannot haven hasn hadn ain t s ll re ve d m
get gets getting got keep keeps want wants need needs please hello hi thanks thank help anyone
anymore still even way
`
