// Package ticket is the vocabulary of tickets every package shares: their statuses and
// priorities, which of them are open, how priorities rank. The schema's CHECK constraints and
// its ticket_open function (migrations 001 and 010) state the same in SQL; the store's
// TestTicketVocabulary holds the two together.
package ticket

import (
	"net/url"
	"slices"
)

// A ticket's statuses. They are untyped: statuses travel as plain strings through forms, URL
// parameters, JSON and SQL, and ValidStatus guards each door.
const (
	Open       = "open"
	InProgress = "in_progress"
	Waiting    = "waiting"
	Resolved   = "resolved"
	Closed     = "closed"
)

// A ticket's priorities; a new ticket without one is DefaultPriority.
const (
	Low    = "low"
	Medium = "medium"
	High   = "high"
	Urgent = "urgent"

	DefaultPriority = Medium
)

// Statuses are a ticket's statuses, in the order of its life.
var Statuses = []string{Open, InProgress, Waiting, Resolved, Closed}

// OpenStatuses are the statuses of tickets still waiting on the help desk.
var OpenStatuses = []string{Open, InProgress, Waiting}

// Priorities are a ticket's priorities, lowest first.
var Priorities = []string{Low, Medium, High, Urgent}

// ValidStatus reports whether s is a ticket status.
func ValidStatus(s string) bool { return slices.Contains(Statuses, s) }

// ValidPriority reports whether p is a ticket priority.
func ValidPriority(p string) bool { return slices.Contains(Priorities, p) }

// IsOpen reports whether a ticket in status s still waits on the help desk.
func IsOpen(s string) bool { return slices.Contains(OpenStatuses, s) }

// PriorityRank orders priorities for sorting: 1 for low up to 4 for urgent, 0 for none.
func PriorityRank(p string) int { return slices.Index(Priorities, p) + 1 }

// OpenQuery is the URL parameters of a list of the open tickets ("status=open&status=…").
func OpenQuery() string {
	return url.Values{"status": OpenStatuses}.Encode()
}
