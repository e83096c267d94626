package sqlstore

import (
	"context"
	"fmt"
	"time"
)

func (q queries) RecordLoginFailure(ctx context.Context, key string, at time.Time) error {
	if _, err := q.exec(ctx, `INSERT INTO login_failures (key, at) VALUES (?, ?)`, key, at.UTC()); err != nil {
		return fmt.Errorf("record login failure: %w", err)
	}
	return nil
}

func (q queries) CountLoginFailures(ctx context.Context, key string, since time.Time) (int, error) {
	var n int
	if err := q.queryRow(ctx, `SELECT COUNT(*) FROM login_failures WHERE key = ? AND at >= ?`, key, since.UTC()).Scan(&n); err != nil {
		return 0, fmt.Errorf("count login failures: %w", q.wrap(err))
	}
	return n, nil
}

func (q queries) ClearLoginFailures(ctx context.Context, key string) error {
	if _, err := q.exec(ctx, `DELETE FROM login_failures WHERE key = ?`, key); err != nil {
		return fmt.Errorf("clear login failures: %w", err)
	}
	return nil
}

func (q queries) DeleteLoginFailures(ctx context.Context, before time.Time) error {
	if _, err := q.exec(ctx, `DELETE FROM login_failures WHERE at < ?`, before.UTC()); err != nil {
		return fmt.Errorf("delete old login failures: %w", err)
	}
	return nil
}
