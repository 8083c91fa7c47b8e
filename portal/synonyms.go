package portal

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"helpdesk/search/analysis"
	"helpdesk/store"
)

// The synonym table lives in Postgres; each portal keeps a compiled copy in its analyzer and
// reloads it when the table's change count moves: at start, every few seconds (another portal
// or portalctl may have changed it), and right after its own writes.

// syncSynonyms reloads the synonym table if it changed since the last load.
func (s *Server) syncSynonyms(ctx context.Context) error {
	changes, err := s.store.SynonymChanges(ctx)
	if err != nil {
		return err
	}
	if s.synonymsSeen.Load() == changes && s.synonymsLoaded.Load() {
		return nil
	}
	s.synonymsMu.Lock()
	defer s.synonymsMu.Unlock()
	groups, changes, err := s.store.SynonymGroups(ctx)
	if err != nil {
		return err
	}
	s.store.Analyzer().SetSynonyms(groups)
	s.synonymsSeen.Store(changes)
	s.synonymsLoaded.Store(true)
	return nil
}

type synonymRow struct {
	ID         int64
	Line       string
	Terms      []string
	Expansions []string
}

// tryTerm shows staff how one term of a query is read: its stems, how many typos it
// tolerates, and what the synonym table adds.
type tryTerm struct {
	Text     string
	Stems    []string
	Typos    int
	Prefix   bool
	Synonyms []string
}

// synonymsPage lists the synonym table with forms to add, change and delete groups, and reads
// a query the way both engines will (?try=).
// A line in the URL (?line=, from the search insights) prefills the form that adds a group.
func (s *Server) synonymsPage(c *fiber.Ctx) error {
	return s.renderSynonyms(c, strings.TrimSpace(c.Query("line")), "")
}

// renderSynonyms renders the page; line and problem bring back a line that was refused.
func (s *Server) renderSynonyms(c *fiber.Ctx, line, problem string) error {
	list, err := s.store.Synonyms(c.UserContext())
	if err != nil {
		return err
	}
	rows := make([]synonymRow, 0, len(list))
	for _, x := range list {
		rows = append(rows, synonymRow{ID: x.ID, Line: x.Group().String(), Terms: x.Terms, Expansions: x.Expansions})
	}
	data := map[string]any{"Rows": rows, "Count": int64(len(rows)), "Try": c.Query("try"), "Line": line, "Problem": problem}
	if try := c.Query("try"); try != "" {
		if err := s.syncSynonyms(c.UserContext()); err != nil {
			s.log.Warn("reload synonyms", "request_id", requestID(c), "err", err)
		}
		var terms []tryTerm
		for _, t := range s.store.Analyzer().Query(try).Terms {
			tt := tryTerm{Text: t.Text(), Stems: t.Stems, Typos: t.Edits, Prefix: t.Prefix}
			for _, syn := range t.Synonyms {
				tt.Synonyms = append(tt.Synonyms, strings.Join(syn.Words, " "))
			}
			terms = append(terms, tt)
		}
		data["TryTerms"] = terms
	}
	return s.render(c, "synonyms", page{Title: s.t(c, "synonyms.title"), Data: data})
}

// saveSynonym adds a group (POST /synonyms) or replaces one (POST /synonyms/:id) from a line
// in the synonyms file syntax.
func (s *Server) saveSynonym(c *fiber.Ctx) error {
	line := strings.TrimSpace(c.FormValue("line"))
	g, err := analysis.ParseSynonymLine(line)
	if err == nil {
		if id := c.Params("id"); id != "" {
			n, _ := strconv.ParseInt(id, 10, 64)
			_, err = s.store.UpdateSynonym(c.UserContext(), n, g)
		} else {
			_, err = s.store.CreateSynonym(c.UserContext(), g)
		}
	}
	switch {
	case errors.Is(err, analysis.ErrBadSynonym), errors.Is(err, store.ErrInvalid):
		c.Status(fiber.StatusUnprocessableEntity)
		return s.renderSynonyms(c, line, s.t(c, "synonyms.invalid"))
	case err != nil:
		return err
	}
	s.synonymsChanged(c)
	s.flash(c, s.t(c, "synonyms.saved"))
	return c.Redirect("/synonyms", fiber.StatusSeeOther)
}

func (s *Server) deleteSynonym(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return notFound()
	}
	if err := s.store.DeleteSynonym(c.UserContext(), id); err != nil {
		return err
	}
	s.synonymsChanged(c)
	s.flash(c, s.t(c, "synonyms.deleted"))
	return c.Redirect("/synonyms", fiber.StatusSeeOther)
}
