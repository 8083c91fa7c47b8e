package portal

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"helpdesk/search/analysis"
)

// The synonym table through the API: staff only, like the page. Every change takes effect in
// this portal at once and in the others within seconds (watchSynonyms).

type synonymInput struct {
	Terms      *[]string `json:"terms"`
	Expansions *[]string `json:"expansions"`
}

func (in synonymInput) group(creating bool) (analysis.SynonymGroup, error) {
	if in.Terms == nil {
		if creating {
			return analysis.SynonymGroup{}, apiError(fiber.StatusUnprocessableEntity, "invalid", "terms is required")
		}
		return analysis.SynonymGroup{}, apiError(fiber.StatusUnprocessableEntity, "invalid", "terms is required: send the whole group")
	}
	g := analysis.SynonymGroup{Terms: *in.Terms}
	if in.Expansions != nil {
		g.Expansions = *in.Expansions
	}
	return g, nil
}

func synonymID(c *fiber.Ctx) (int64, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, apiError(fiber.StatusNotFound, "not_found", "no such synonym")
	}
	return id, nil
}

func (s *Server) apiListSynonyms(c *fiber.Ctx) error {
	groups, err := s.store.Synonyms(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(list(groups, int64(len(groups)), 1, len(groups)))
}

func (s *Server) apiCreateSynonym(c *fiber.Ctx) error {
	var in synonymInput
	if err := decodeStrict(c, &in); err != nil {
		return err
	}
	g, err := in.group(true)
	if err != nil {
		return err
	}
	syn, err := s.store.CreateSynonym(c.UserContext(), g)
	if err != nil {
		return err
	}
	s.synonymsChanged(c)
	return c.Status(fiber.StatusCreated).JSON(syn)
}

func (s *Server) apiUpdateSynonym(c *fiber.Ctx) error {
	id, err := synonymID(c)
	if err != nil {
		return err
	}
	var in synonymInput
	if err := decodeStrict(c, &in); err != nil {
		return err
	}
	g, err := in.group(false)
	if err != nil {
		return err
	}
	syn, err := s.store.UpdateSynonym(c.UserContext(), id, g)
	if err != nil {
		return err
	}
	s.synonymsChanged(c)
	return c.JSON(syn)
}

func (s *Server) apiDeleteSynonym(c *fiber.Ctx) error {
	id, err := synonymID(c)
	if err != nil {
		return err
	}
	if err := s.store.DeleteSynonym(c.UserContext(), id); err != nil {
		return err
	}
	s.synonymsChanged(c)
	return c.SendStatus(fiber.StatusNoContent)
}

// synonymsChanged puts this portal's change in force for its next search.
func (s *Server) synonymsChanged(c *fiber.Ctx) {
	if err := s.syncSynonyms(c.UserContext()); err != nil {
		s.log.Warn("reload synonyms", "request_id", requestID(c), "err", err)
	}
}
