package portal

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"helpdesk/store"
)

// jobStates are the columns of the jobs page, in the order of a job's life.
var jobStates = []string{"available", "scheduled", "running", "retryable", "completed", "cancelled", "discarded"}

// troubleStates are the states worth a person's look: failing, given up, refused.
var troubleStates = []string{"retryable", "discarded", "cancelled"}

// jobsPage shows the worker's queues: counts by state, the workers alive, and the jobs that
// failed or were given up, with their last error and a retry button.
func (s *Server) jobsPage(c *fiber.Ctx) error {
	ctx := c.UserContext()
	counts, err := s.store.JobStates(ctx)
	if err != nil {
		return err
	}
	workers, err := s.store.Workers(ctx)
	if err != nil {
		return err
	}
	trouble, err := s.store.ListJobs(ctx, store.JobFilter{States: troubleStates, Limit: 100})
	if err != nil {
		return err
	}
	type row struct {
		Queue  string
		Counts []int64
	}
	rows := make([]row, 0, len(store.Queues))
	for _, q := range store.Queues {
		r := row{Queue: q}
		for _, st := range jobStates {
			r.Counts = append(r.Counts, counts[q][st])
		}
		rows = append(rows, r)
	}
	return s.render(c, "jobs", page{Title: s.t(c, "jobs.title"), Data: map[string]any{
		"States": jobStates, "Rows": rows, "Workers": workers, "Trouble": trouble, "Stale": workerStale.Seconds(),
	}})
}

// retryJob runs a failed, discarded or cancelled job again now.
func (s *Server) retryJob(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return notFound()
	}
	if _, err := s.store.RetryJob(c.UserContext(), id); err != nil {
		return err
	}
	s.flash(c, s.t(c, "jobs.retried"))
	return c.Redirect("/admin/jobs", fiber.StatusSeeOther)
}
