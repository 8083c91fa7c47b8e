package search

import (
	"strconv"
	"time"
)

// Document is what the index holds for one ticket or KB article: the current state of the
// row with everything denormalised into it. Text fields are the originals; engines fold them.
type Document struct {
	Type    string // TypeTicket or TypeKB
	ID      int64
	Version int64

	Title    string
	Body     string   // a ticket's description, an article's text without markdown
	Comments []string // public comments, oldest first
	Internal []string // internal comments: staff only

	Category string
	Tags     []string

	// Tickets.
	Status       string
	Priority     string
	ClientID     int64
	ClientName   string
	AssigneeID   int64 // zero: unassigned
	AssigneeName string
	// SLADue is when the first response is due, for tickets still waiting for one.
	SLADue *time.Time

	// KB articles.
	Slug      string
	Locale    string
	Audience  string
	Published bool

	CreatedAt time.Time
	UpdatedAt time.Time
}

// URL is where a person reads the document.
func (d *Document) URL() string { return DocURL(d.Type, d.ID, d.Slug) }

// DocURL is the page of a ticket or article.
func DocURL(typ string, id int64, slug string) string {
	if typ == TypeKB {
		return "/kb/" + slug
	}
	return "/tickets/" + strconv.FormatInt(id, 10)
}
