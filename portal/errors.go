package portal

import (
	"context"
	"errors"

	"github.com/gofiber/fiber/v2"

	"helpdesk/search"
	"helpdesk/search/analysis"
	"helpdesk/store"
)

// Problem is an error with what people are told of it: the status, the API's stable code and
// message, and the key of the message a page shows. Handlers return one for refusals of their
// own; errors from the store and the search become one through problems, below. Err is the
// cause, for the log.
type Problem struct {
	Status        int
	Code, Message string
	Key           string
	Err           error
}

func (p *Problem) Error() string {
	if p.Err != nil {
		return p.Code + ": " + p.Message + ": " + p.Err.Error()
	}
	return p.Code + ": " + p.Message
}

func (p *Problem) Unwrap() error { return p.Err }

// problems is how the refusals of the other packages reach people, in one table (as pkgsite's
// derrors): the first sentinel an error is wins, with the message of the typed error inside it.
// Anything else is the service being unavailable, logged.
var problems = []struct {
	err  error
	prob Problem
}{
	{store.ErrNotFound, Problem{Status: fiber.StatusNotFound, Code: "not_found", Message: "not found", Key: "error.not_found"}},
	{store.ErrConflict, Problem{Status: fiber.StatusConflict, Code: "conflict", Key: "error.conflict"}},
	{store.ErrInvalid, Problem{Status: fiber.StatusUnprocessableEntity, Code: "invalid", Key: "error.bad_request"}},
	{analysis.ErrBadSynonym, Problem{Status: fiber.StatusUnprocessableEntity, Code: "invalid", Key: "error.bad_request"}},
	{search.ErrQueryCombination, Problem{Status: fiber.StatusUnprocessableEntity, Code: "invalid", Key: "error.bad_request"}},
	{search.ErrBadQuery, Problem{Status: fiber.StatusBadRequest, Code: "bad_request", Key: "error.bad_request"}},
	{search.ErrUnavailable, unavailable},
	{context.DeadlineExceeded, unavailable},
}

var unavailable = Problem{Status: fiber.StatusServiceUnavailable, Code: "unavailable",
	Message: "the service is unavailable; try again shortly", Key: "error.unavailable"}

// problemOf returns what people are told of err, and whether it is a failure to log rather
// than a refusal.
func problemOf(err error) (Problem, bool) {
	var own *Problem
	var fe *fiber.Error
	switch {
	case errors.As(err, &own):
		return *own, own.Status >= fiber.StatusInternalServerError
	case errors.As(err, &fe):
		p := newProblem(fe.Code, codeFor(fe.Code), fe.Message)
		return *p, fe.Code >= fiber.StatusInternalServerError
	}
	for _, m := range problems {
		if errors.Is(err, m.err) {
			p := m.prob
			if p.Message == "" {
				p.Message = messageOf(err)
			}
			return p, p.Status >= fiber.StatusInternalServerError
		}
	}
	return unavailable, true
}

// messageOf is the part of a refusal meant for the person who asked: the message of the typed
// error inside it (store.InvalidError, store.ConflictError, search.QueryError), else its text.
func messageOf(err error) string {
	var m interface{ Message() string }
	if errors.As(err, &m) {
		return m.Message()
	}
	return err.Error()
}

// newProblem is a refusal of the portal's own: the API answers status, code and message; a
// page shows the message of the status's kind.
func newProblem(status int, code, message string) *Problem {
	key := "error.bad_request"
	switch {
	case status == fiber.StatusNotFound:
		key = "error.not_found"
	case status == fiber.StatusForbidden:
		key = "error.forbidden"
	case status == fiber.StatusConflict:
		key = "error.conflict"
	case status >= fiber.StatusInternalServerError:
		key = "error.unavailable"
	}
	return &Problem{Status: status, Code: code, Message: message, Key: key}
}

func apiError(status int, code, message string) error { return newProblem(status, code, message) }

func notFound() error  { return newProblem(fiber.StatusNotFound, "not_found", "not found") }
func forbidden() error { return newProblem(fiber.StatusForbidden, "forbidden", "forbidden") }
func badRequest(err error) error {
	p := newProblem(fiber.StatusBadRequest, "bad_request", messageOf(err))
	p.Err = err
	return p
}

func codeFor(status int) string {
	switch status {
	case fiber.StatusNotFound:
		return "not_found"
	case fiber.StatusMethodNotAllowed:
		return "method_not_allowed"
	case fiber.StatusRequestEntityTooLarge:
		return "too_large"
	}
	return "bad_request"
}
