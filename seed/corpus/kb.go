// Package corpus is the hand-written bilingual text the seed generator draws from: KB articles,
// ticket topics with their variants, replies and notes, company and person names. It imports
// nothing of the project, so benchmarks and tests of any package can read it.
package corpus

// Article is one hand-written KB article.
type Article struct {
	Slug     string // lowercase a-z0-9 and single hyphens, <=120 chars, unique across the corpus
	Title    string
	Category string   // one of the category names in KBCategories
	Tags     []string // 2-5 lowercase tags, e.g. "vpn", "windows", "outlook"
	Locale   string   // "es" or "en"
	Audience string   // "public", "clients" or "internal"
	Body     string   // markdown
}

// KBCategories are the knowledge-base categories, one name per topic.
var KBCategories = []string{
	"VPN y acceso remoto",
	"Impresoras y escáneres",
	"Correo y Outlook",
	"Copias de seguridad",
	"Active Directory y cuentas",
	"Wi-Fi y red",
	"Portátiles y equipos",
	"Licencias y software",
	"Seguridad",
	"Altas y bajas de empleados",
	"Procedimientos internos",
}
