package portal

import (
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/gofiber/fiber/v2"

	"helpdesk/search"
	"helpdesk/search/analysis"
	"helpdesk/store"
)

// TestProblemOf: every error reaches people through one table, with the message of the typed
// refusal inside it whatever wraps it, and only failures are logged.
func TestProblemOf(t *testing.T) {
	for _, tc := range []struct {
		name          string
		err           error
		status        int
		code, message string
		failure       bool
	}{
		{"not found, wrapped", fmt.Errorf("ticket 7: %w", store.ErrNotFound), 404, "not_found", "not found", false},
		{"conflict", fmt.Errorf("update ticket 5: %w", store.Conflict("it changed since version 3 (now 4)")), 409, "conflict", "it changed since version 3 (now 4)", false},
		{"invalid field", fmt.Errorf("assign: %w", store.Invalid("assignee", "no user %d", 9)), 422, "invalid", "assignee: no user 9", false},
		{"invalid synonym", &store.InvalidError{Reason: "a group needs two terms", Err: fmt.Errorf("%w: a group needs two terms", analysis.ErrBadSynonym)}, 422, "invalid", "a group needs two terms", false},
		{"bad query", fmt.Errorf("search: %w", search.BadQuery("age must be 1d, 7d or 30d")), 400, "bad_request", "age must be 1d, 7d or 30d", false},
		{"engine down, both causes", fmt.Errorf("%w: postgres search: %w", search.ErrUnavailable, io.ErrUnexpectedEOF), 503, "unavailable", unavailable.Message, true},
		{"anything else", errors.New("boom"), 503, "unavailable", unavailable.Message, true},
		{"the portal's own", forbidden(), 403, "forbidden", "forbidden", false},
		{"fiber's", fiber.NewError(fiber.StatusMethodNotAllowed, "Method Not Allowed"), 405, "method_not_allowed", "Method Not Allowed", false},
	} {
		p, failure := problemOf(tc.err)
		if p.Status != tc.status || p.Code != tc.code || p.Message != tc.message || failure != tc.failure {
			t.Errorf("%s: %d %s %q failure %v, want %d %s %q failure %v", tc.name, p.Status, p.Code, p.Message, failure,
				tc.status, tc.code, tc.message, tc.failure)
		}
		if p.Key == "" {
			t.Errorf("%s: no message for pages", tc.name)
		}
	}
}
