package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/acanban/acanban/internal/domain"
)

func (q queries) CreateSession(ctx context.Context, s domain.Session) error {
	_, err := q.exec(ctx, `INSERT INTO sessions (id, user_id, created_at, expires_at, remember) VALUES (?, ?, ?, ?, ?)`,
		s.ID, s.UserID, s.Created.UTC(), s.Expires.UTC(), s.Remember)
	if err != nil {
		return fmt.Errorf("create session for user %d: %w", s.UserID, err)
	}
	return nil
}

func (q queries) SessionUser(ctx context.Context, id string, now time.Time) (domain.Session, domain.User, error) {
	var s domain.Session
	u, err := scanUserAfter(q.queryRow(ctx, `SELECT s.id, s.user_id, s.created_at, s.expires_at, s.remember, `+prefixed("u", userColumns)+`
		FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.id = ? AND s.expires_at > ? AND NOT u.disabled`, id, now.UTC()), &s.ID, &s.UserID, &s.Created, &s.Expires, &s.Remember)
	if err != nil {
		return s, u, fmt.Errorf("session: %w", q.wrap(err))
	}
	s.Created, s.Expires = s.Created.UTC(), s.Expires.UTC()
	return s, u, nil
}

func (q queries) ExtendSession(ctx context.Context, id string, expires time.Time) error {
	if err := mustAffect(q.exec(ctx, `UPDATE sessions SET expires_at = ? WHERE id = ?`, expires.UTC(), id)); err != nil {
		return fmt.Errorf("extend session: %w", err)
	}
	return nil
}

func (q queries) DeleteSession(ctx context.Context, id string) error {
	if _, err := q.exec(ctx, `DELETE FROM sessions WHERE id = ?`, id); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

func (q queries) DeleteUserSessions(ctx context.Context, user int64, keep string) error {
	if _, err := q.exec(ctx, `DELETE FROM sessions WHERE user_id = ? AND id <> ?`, user, keep); err != nil {
		return fmt.Errorf("delete sessions of user %d: %w", user, err)
	}
	return nil
}

func (q queries) DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error) {
	res, err := q.exec(ctx, `DELETE FROM sessions WHERE expires_at <= ?`, now.UTC())
	if err != nil {
		return 0, fmt.Errorf("delete expired sessions: %w", err)
	}
	return res.RowsAffected()
}
