// Package session keeps signed-in state server-side: in Redis, so that any number of portal
// processes can serve one user, or in memory when no Redis is configured.
package session

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// TTL is how long an unused session lives; every request extends it.
const TTL = 12 * time.Hour

// Data is what a session holds.
type Data struct {
	UserID int64  `json:"uid,omitempty"`
	CSRF   string `json:"csrf"`
	Flash  string `json:"flash,omitempty"`
	// SearchEvent and SearchAt (Unix seconds) are the session's last search as search insights
	// know it, so that a ticket opened soon after counts as that search's follow-up.
	SearchEvent string `json:"se,omitempty"`
	SearchAt    int64  `json:"sat,omitempty"`
}

// ErrNotFound means no live session has that id.
var ErrNotFound = errors.New("no such session")

// Store keeps sessions by id.
type Store interface {
	Get(ctx context.Context, id string) (*Data, error)
	Save(ctx context.Context, id string, d *Data) error
	Delete(ctx context.Context, id string) error
}

// NewID returns a fresh unguessable session id.
func NewID() string { return randomString(32) }

// NewCSRF returns a fresh CSRF token.
func NewCSRF() string { return randomString(24) }

func randomString(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("session: no randomness: %v", err)) // the OS is broken; nothing is safe
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// Redis keeps sessions in Redis under "sess:<id>".
type Redis struct{ rdb redis.UniversalClient }

// NewRedis returns a session store on rdb.
func NewRedis(rdb redis.UniversalClient) *Redis { return &Redis{rdb: rdb} }

// Get loads a session and extends its life.
func (r *Redis) Get(ctx context.Context, id string) (*Data, error) {
	raw, err := r.rdb.GetEx(ctx, "sess:"+id, TTL).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("session get: %w", err)
	}
	var d Data
	if err := json.Unmarshal(raw, &d); err != nil {
		return nil, ErrNotFound
	}
	return &d, nil
}

// Save stores a session.
func (r *Redis) Save(ctx context.Context, id string, d *Data) error {
	raw, err := json.Marshal(d)
	if err != nil {
		return err
	}
	if err := r.rdb.Set(ctx, "sess:"+id, raw, TTL).Err(); err != nil {
		return fmt.Errorf("session save: %w", err)
	}
	return nil
}

// Delete removes a session.
func (r *Redis) Delete(ctx context.Context, id string) error {
	if err := r.rdb.Del(ctx, "sess:"+id).Err(); err != nil {
		return fmt.Errorf("session delete: %w", err)
	}
	return nil
}

// Memory keeps sessions in this process, for a single portal without Redis.
type Memory struct {
	mu   sync.Mutex
	data map[string]memEntry
	now  func() time.Time
}

type memEntry struct {
	d       Data
	expires time.Time
}

// NewMemory returns an empty in-memory store.
func NewMemory() *Memory { return &Memory{data: map[string]memEntry{}, now: time.Now} }

// Get loads a session and extends its life.
func (m *Memory) Get(_ context.Context, id string) (*Data, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.data[id]
	if !ok || m.now().After(e.expires) {
		delete(m.data, id)
		return nil, ErrNotFound
	}
	e.expires = m.now().Add(TTL)
	m.data[id] = e
	d := e.d
	return &d, nil
}

// Save stores a session.
func (m *Memory) Save(_ context.Context, id string, d *Data) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.data) > 100_000 { // bound memory: drop expired entries now and then
		for k, e := range m.data {
			if m.now().After(e.expires) {
				delete(m.data, k)
			}
		}
	}
	m.data[id] = memEntry{d: *d, expires: m.now().Add(TTL)}
	return nil
}

// Delete removes a session.
func (m *Memory) Delete(_ context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.data, id)
	return nil
}
