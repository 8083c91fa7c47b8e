package portal

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"

	"github.com/gofiber/fiber/v2"

	"helpdesk/auth"
	"helpdesk/config"
	"helpdesk/store"
)

// apiErrorBody writes {"error": {"code", "message"}} for any error of an API route.
func (s *Server) apiErrorBody(c *fiber.Ctx, err error) error {
	p, failure := problemOf(err)
	if failure {
		s.log.Error("api request failed", "request_id", requestID(c), "path", c.Path(), "err", err)
	}
	return c.Status(p.Status).JSON(fiber.Map{"error": fiber.Map{"code": p.Code, "message": p.Message}})
}

// apiAuth limits by address, then resolves the bearer token to its user and limits by token
// (blocked addresses were refused before, by refuseBlocked).
func (s *Server) apiAuth(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, privateCacheControl) // answers are the caller's own
	// Both limits are counted in one round trip, the address's first: past it, the token is
	// not even looked up.
	h := c.Get(fiber.HeaderAuthorization)
	token, hasToken := strings.CutPrefix(h, "Bearer ")
	hasToken = hasToken && strings.TrimSpace(token) != ""
	hash := auth.HashToken(token)
	keys, lims := []string{"ip:" + s.clientIP(c)}, []config.RateLimit{s.ipLimit}
	if hasToken {
		keys, lims = append(keys, fmt.Sprintf("token:%x", hash[:8])), append(lims, s.tokenLimit)
	}
	now := s.now()
	counts := s.limiter.take(c.UserContext(), now, keys, lims)
	if err := s.enforce(c, now, counts[0]); err != nil {
		return err
	}
	if !hasToken {
		c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="api"`)
		return apiError(fiber.StatusUnauthorized, "unauthorized", "send Authorization: Bearer <token>")
	}
	u, err := s.store.UserByToken(c.UserContext(), hash)
	if errors.Is(err, store.ErrNotFound) {
		c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="api", error="invalid_token"`)
		return apiError(fiber.StatusUnauthorized, "unauthorized", "unknown or revoked token")
	}
	if err != nil {
		return err
	}
	if err := s.enforce(c, now, counts[1]); err != nil {
		return err
	}
	c.Locals(userKey, u)
	return c.Next()
}

// input is a request body the API checks before any write.
type input interface {
	validate(creating bool) error
}

// readInput decodes the request's JSON body into in (decodeStrict) and checks it.
func readInput(c *fiber.Ctx, in input, creating bool) error {
	if err := decodeStrict(c, in); err != nil {
		return err
	}
	return in.validate(creating)
}

// decodeStrict reads a JSON object into v, refusing unknown fields, wrong types, trailing data
// and bodies over the limit, with a message saying what was wrong.
func decodeStrict(c *fiber.Ctx, v any) error {
	body := c.Body()
	if len(body) > apiBodyLimit {
		return apiError(fiber.StatusRequestEntityTooLarge, "too_large", fmt.Sprintf("body larger than %d bytes", apiBodyLimit))
	}
	if string(bytes.TrimSpace(body)) == "null" { // decodes into anything as nothing at all
		return apiError(fiber.StatusBadRequest, "bad_request", "a JSON object is required")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var typeErr *json.UnmarshalTypeError
		var syntaxErr *json.SyntaxError
		var invalid *store.InvalidError
		switch {
		case errors.As(err, &invalid): // a field's own UnmarshalJSON said what is wrong
			return err
		case errors.As(err, &typeErr):
			return apiError(fiber.StatusBadRequest, "bad_request", fmt.Sprintf("field %q must be %s", typeErr.Field, typeErr.Type))
		case errors.As(err, &syntaxErr), errors.Is(err, io.ErrUnexpectedEOF):
			return apiError(fiber.StatusBadRequest, "bad_request", "body is not valid JSON")
		case errors.Is(err, io.EOF):
			return apiError(fiber.StatusBadRequest, "bad_request", "a JSON body is required")
		}
		if name, ok := unknownField(body, v); ok {
			return apiError(fiber.StatusBadRequest, "bad_request", fmt.Sprintf("unknown field %q", name))
		}
		return apiError(fiber.StatusBadRequest, "bad_request", "invalid body")
	}
	if dec.More() {
		return apiError(fiber.StatusBadRequest, "bad_request", "one JSON object expected")
	}
	return nil
}

// unknownField returns the first member of the JSON object body that no field of the struct v
// points to takes, matched as encoding/json matches them (tag or field name, any case).
func unknownField(body []byte, v any) (string, bool) {
	t := reflect.TypeOf(v)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return "", false
	}
	known := map[string]bool{}
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case name == "-" || !f.IsExported():
			continue
		case name == "":
			name = f.Name
		}
		known[strings.ToLower(name)] = true
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return "", false
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return "", false
		}
		key, _ := tok.(string)
		if !known[strings.ToLower(key)] {
			return key, true
		}
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return "", false
		}
	}
	return "", false
}

// apiBodyLimit bounds API request bodies.
const apiBodyLimit = 256 << 10

func (s *Server) apiSearch(c *fiber.Ctx) error {
	params, err := queryParams(c)
	if err != nil {
		return err
	}
	q, err := parseSearchQuery(params)
	if err != nil {
		return err
	}
	q.Viewer, q.Suggest = viewer(currentUser(c)), true
	res, err := s.search.Search(c.UserContext(), q)
	if err != nil {
		return err
	}
	s.recordSearch(c, store.SearchFromAPI, q, res)
	return c.JSON(res)
}

func (s *Server) apiClients(c *fiber.Ctx) error {
	u := currentUser(c)
	if !u.IsStaff() {
		cl, err := s.store.Client(c.UserContext(), *u.ClientID)
		if err != nil {
			return err
		}
		return c.JSON(list([]store.Client{*cl}, 1, 1, 1))
	}
	clients, err := s.store.Clients(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(list(clients, int64(len(clients)), 1, len(clients)))
}

// list is the envelope of every list response.
func list[T any](items []T, total int64, page, perPage int) fiber.Map {
	if items == nil {
		items = []T{}
	}
	return fiber.Map{"items": items, "total": total, "page": page, "per_page": perPage}
}
