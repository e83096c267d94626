package sqlstore

import (
	"context"
	"fmt"
)

func (q queries) Claim(ctx context.Context, key, value string) (string, error) {
	if _, err := q.exec(ctx, `INSERT INTO claims (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`, key, value); err != nil {
		return "", fmt.Errorf("claim %s: %w", key, err)
	}
	var holder string
	if err := q.queryRow(ctx, `SELECT value FROM claims WHERE key = ?`, key).Scan(&holder); err != nil {
		return "", fmt.Errorf("claim %s: %w", key, q.wrap(err))
	}
	return holder, nil
}
