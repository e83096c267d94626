package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/acanban/acanban/internal/domain"
)

func (q queries) CreateInvite(ctx context.Context, inv domain.Invite) error {
	var by sql.NullInt64
	if inv.CreatedBy != 0 {
		by = sql.NullInt64{Int64: inv.CreatedBy, Valid: true}
	}
	_, err := q.exec(ctx, `INSERT INTO invites (id, role, department, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)`,
		inv.ID, string(inv.Role), inv.Department, by, inv.Created.UTC(), inv.Expires.UTC())
	if err != nil {
		return fmt.Errorf("create invite: %w", err)
	}
	return nil
}

func (q queries) Invite(ctx context.Context, id string) (domain.Invite, error) {
	var inv domain.Invite
	var role string
	var by, usedBy sql.NullInt64
	var used sql.NullTime
	err := q.queryRow(ctx, `SELECT id, role, department, created_by, created_at, expires_at, used_by, used_at
		FROM invites WHERE id = ?`, id).Scan(&inv.ID, &role, &inv.Department, &by, &inv.Created, &inv.Expires, &usedBy, &used)
	if err != nil {
		return inv, fmt.Errorf("invite: %w", q.wrap(err))
	}
	inv.Role, inv.CreatedBy, inv.UsedBy = domain.Role(role), by.Int64, usedBy.Int64
	inv.Created, inv.Expires = inv.Created.UTC(), inv.Expires.UTC()
	if used.Valid {
		inv.Used = used.Time.UTC()
	}
	return inv, nil
}

func (q queries) UseInvite(ctx context.Context, id string, user int64, now time.Time) error {
	err := mustAffect(q.exec(ctx, `UPDATE invites SET used_by = ?, used_at = ?
		WHERE id = ? AND used_at IS NULL AND expires_at > ?`, user, now.UTC(), id, now.UTC()))
	if err != nil {
		return fmt.Errorf("use invite: %w", err)
	}
	return nil
}
