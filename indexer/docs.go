package indexer

import (
	"helpdesk/search"
	"helpdesk/store"
)

// TicketDocument builds a ticket's search document from its current state.
func TicketDocument(t store.TicketDoc) *search.Document {
	d := &search.Document{
		Type: search.TypeTicket, ID: t.ID, Version: t.Version,
		Title: t.Title, Body: t.Description,
		Category: t.Category, Tags: t.Tags,
		Status: t.Status, Priority: t.Priority,
		ClientID: t.ClientID, ClientName: t.ClientName,
		CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt, SLADue: t.SLADue,
	}
	if t.AssigneeID != nil {
		d.AssigneeID = *t.AssigneeID
		if t.AssigneeName != nil {
			d.AssigneeName = *t.AssigneeName
		}
	}
	if len(t.Comments) > 0 {
		d.Comments = t.Comments
	}
	if len(t.Internal) > 0 {
		d.Internal = t.Internal
	}
	return d
}

// ArticleDocument builds a KB article's search document from its current state.
func ArticleDocument(a store.Article) *search.Document {
	return &search.Document{
		Type: search.TypeKB, ID: a.ID, Version: a.Version,
		Title: a.Title, Body: a.BodyText,
		Category: a.Category, Tags: a.Tags,
		Slug: a.Slug, Locale: a.Locale, Audience: a.Audience, Published: a.Status == "published",
		CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt,
	}
}
