package corpus

// TicketTopic is a family of ticket texts for one category and locale.
type TicketTopic struct {
	Category     string   // ticket category, one of TicketCategories
	Locale       string   // "es" or "en"
	Tags         []string // candidate tags, the generator picks 0-3
	Titles       []string // >= 6 distinct realistic ticket titles
	Descriptions []string // >= 4 realistic multi-sentence descriptions (2-6 sentences), may contain placeholders {device} {app} {office} {user} {error}
}

// TicketCategories are the ticket categories, as stored on tickets (slug-like).
var TicketCategories = []string{
	"vpn",
	"printers",
	"email",
	"backups",
	"accounts",
	"network",
	"hardware",
	"software",
	"security",
	"onboarding",
}

// Placeholder fillers. The generator uses the same lists for both locales, so the values are
// proper names that read naturally in Spanish and English.
var (
	// Devices are end-user devices as an asset inventory would name them.
	Devices = []string{
		"Lenovo ThinkPad T14 Gen 4",
		"Lenovo ThinkPad X1 Carbon Gen 11",
		"Lenovo ThinkCentre M70q",
		"Dell Latitude 5440",
		"Dell Latitude 7450",
		"Dell OptiPlex 7010",
		"Dell XPS 13",
		"HP EliteBook 840 G10",
		"HP ProBook 450 G9",
		"HP EliteDesk 800 G6",
		"MacBook Air M2",
		"MacBook Pro 14\" M3",
		"Microsoft Surface Laptop 5",
		"Microsoft Surface Pro 9",
		"iPhone 14",
		"iPhone 15 Pro",
		"Samsung Galaxy S23",
		"iPad Air (5.ª gen.)",
		"HP LaserJet Pro M404dn",
		"Brother MFC-L8900CDW",
		"Kyocera ECOSYS M2540dn",
		"Ricoh IM C3000",
	}
	// Apps are the business applications clients use.
	Apps = []string{
		"Outlook",
		"Teams",
		"Excel",
		"Word",
		"OneDrive",
		"SharePoint",
		"SAP Business One",
		"Sage 200",
		"A3 ERP",
		"Holded",
		"AutoCAD",
		"Revit",
		"Adobe Acrobat Pro",
		"Photoshop",
		"FortiClient",
		"Zoom",
		"Salesforce",
		"Dynamics 365 Business Central",
		"QuickBooks",
		"Xero",
		"Chrome",
		"Edge",
	}
	// Offices are client office locations.
	Offices = []string{
		"Madrid",
		"Barcelona",
		"Valencia",
		"Sevilla",
		"Bilbao",
		"Málaga",
		"Zaragoza",
		"A Coruña",
		"Alicante",
		"Palma",
		"Donostia",
		"Logroño",
		"London",
		"Manchester",
		"Bristol",
		"Edinburgh",
		"Dublin",
		"Lisboa",
	}
	// ErrorCodes are error codes and messages users copy into tickets.
	ErrorCodes = []string{
		"0x80070005",
		"0x80070035",
		"0x800CCC0E",
		"0x8004010F",
		"0x80070643",
		"0x87D1041C",
		"0x0000011b",
		"0xCAA70004",
		"Error 809",
		"Error 789",
		"Error 691",
		"-7200",
		"-14",
		"550 5.1.1",
		"550 5.7.1",
		"5.7.708",
		"AADSTS50076",
		"AADSTS50126",
		"AADSTS53003",
		"ERR_CONNECTION_TIMED_OUT",
		"ERR_NAME_NOT_RESOLVED",
		"DNS_PROBE_FINISHED_NXDOMAIN",
		"Event ID 4740",
		"STOP 0x0000007E",
	}
)
