package auth

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/acanban/acanban/internal/domain"
	"github.com/acanban/acanban/internal/store"
)

// Sessions starts, finds and ends logins. Everything lives in the store, so
// every instance of the server sees the same sessions.
type Sessions struct {
	Store store.Store
	// Lifetime of a session without "remember me", renewed while in use.
	Lifetime time.Duration
	// RememberLifetime of a session with "remember me", renewed while in use.
	RememberLifetime time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Default session lifetimes.
const (
	DefaultLifetime         = 12 * time.Hour
	DefaultRememberLifetime = 30 * 24 * time.Hour
)

func (m *Sessions) now() time.Time { return domain.Clock(m.Now).Now() }

func (m *Sessions) lifetime(remember bool) time.Duration {
	if remember {
		return m.RememberLifetime
	}
	return m.Lifetime
}

// Start creates a session for user and returns the browser's token.
func (m *Sessions) Start(ctx context.Context, q store.Queries, user int64, remember bool) (string, domain.Session, error) {
	token := NewToken()
	now := m.now()
	s := domain.Session{ID: TokenID(token), UserID: user, Created: now, Expires: now.Add(m.lifetime(remember)), Remember: remember}
	if err := q.CreateSession(ctx, s); err != nil {
		return "", s, err
	}
	return token, s, nil
}

// ErrNoSession means the token names no live session.
var ErrNoSession = errors.New("auth: no such session")

// Lookup returns the live session of token and its user. A session past
// half its lifetime is renewed; renewed reports that, so the caller can
// refresh the cookie.
func (m *Sessions) Lookup(ctx context.Context, token string) (s domain.Session, u domain.User, renewed bool, err error) {
	if token == "" || len(token) > 128 {
		return s, u, false, ErrNoSession
	}
	now := m.now()
	s, u, err = m.Store.SessionUser(ctx, TokenID(token), now)
	if errors.Is(err, store.ErrNotFound) {
		return s, u, false, ErrNoSession
	}
	if err != nil {
		return s, u, false, fmt.Errorf("look up session: %w", err)
	}
	life := m.lifetime(s.Remember)
	if s.Expires.Sub(now) < life/2 {
		s.Expires = now.Add(life)
		if err := m.Store.ExtendSession(ctx, s.ID, s.Expires); err != nil && !errors.Is(err, store.ErrNotFound) {
			return s, u, false, fmt.Errorf("renew session: %w", err)
		}
		renewed = true
	}
	return s, u, renewed, nil
}

// End deletes the session of token.
func (m *Sessions) End(ctx context.Context, token string) error {
	if token == "" {
		return nil
	}
	return m.Store.DeleteSession(ctx, TokenID(token))
}
