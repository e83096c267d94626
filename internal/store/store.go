// Package store defines Store, the only door to Acanban's database. Backends
// live in sub-packages (sqlite, and postgres later) and must all pass the
// conformance suite in storetest.
package store

import (
	"context"
	"errors"
	"time"

	"github.com/acanban/acanban/internal/domain"
)

// Errors every backend returns, wrapped with context.
var (
	// ErrNotFound: no row matched.
	ErrNotFound = errors.New("store: not found")
	// ErrConflict: a uniqueness rule was broken. Backends wrap it in a
	// *ConflictError naming the field.
	ErrConflict = errors.New("store: conflict")
)

// ConflictError names the field whose uniqueness a write broke.
type ConflictError struct{ Field string }

func (e *ConflictError) Error() string { return "store: conflict on " + e.Field }

// Unwrap makes errors.Is(err, ErrConflict) true.
func (e *ConflictError) Unwrap() error { return ErrConflict }

// Store is a database. Its Queries run each in their own transaction;
// Atomic groups several into one.
type Store interface {
	Queries
	// Atomic runs fn in one transaction: when fn returns an error or
	// panics, nothing it wrote stays.
	Atomic(ctx context.Context, fn func(q Queries) error) error
	// Ping reports whether the database answers.
	Ping(ctx context.Context) error
	Close() error
}

// Queries are the reads and writes of the application, grouped by entity.
type Queries interface {
	Users
	Sessions
	Invites
	LoginFailures
}

// Users are accounts.
type Users interface {
	// CreateUser inserts u and returns it with its ID. A taken username or
	// email is a *ConflictError for field "username" or "email".
	CreateUser(ctx context.Context, u domain.User) (domain.User, error)
	UserByID(ctx context.Context, id int64) (domain.User, error)
	// UserByUsername looks up a normalised (lower-case) username.
	UserByUsername(ctx context.Context, username string) (domain.User, error)
	// UpdateProfile writes the profile fields of user id.
	UpdateProfile(ctx context.Context, id int64, p domain.Profile, now time.Time) error
	SetPasswordHash(ctx context.Context, id int64, hash string, now time.Time) error
	CountUsers(ctx context.Context) (int, error)
}

// Sessions are logins, looked up by the hash of the browser's token.
type Sessions interface {
	CreateSession(ctx context.Context, s domain.Session) error
	// SessionUser returns a session that has not expired at now, with its user.
	SessionUser(ctx context.Context, id string, now time.Time) (domain.Session, domain.User, error)
	ExtendSession(ctx context.Context, id string, expires time.Time) error
	DeleteSession(ctx context.Context, id string) error
	// DeleteUserSessions ends every session of user except the one with ID
	// keep (which may be empty).
	DeleteUserSessions(ctx context.Context, user int64, keep string) error
	// DeleteExpiredSessions removes sessions expired at now, returning how many.
	DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error)
}

// Invites are one-use invitations to register.
type Invites interface {
	CreateInvite(ctx context.Context, inv domain.Invite) error
	// Invite returns the invitation with ID id, used or not.
	Invite(ctx context.Context, id string) (domain.Invite, error)
	// UseInvite marks the invitation with ID id as used by user at now. An
	// unknown, used or expired invitation is ErrNotFound: of two concurrent
	// uses, one fails.
	UseInvite(ctx context.Context, id string, user int64, now time.Time) error
}

// LoginFailures count failed logins per key (a username), for throttling.
type LoginFailures interface {
	RecordLoginFailure(ctx context.Context, key string, at time.Time) error
	// CountLoginFailures counts the failures of key at or after since.
	CountLoginFailures(ctx context.Context, key string, since time.Time) (int, error)
	ClearLoginFailures(ctx context.Context, key string) error
	// DeleteLoginFailures forgets failures before before.
	DeleteLoginFailures(ctx context.Context, before time.Time) error
}
