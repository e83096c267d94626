package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/acanban/acanban/internal/domain"
)

const commentColumns = `c.id, c.task_id, c.parent_id, c.body, c.created_at, u.id, u.username, u.name`

func scanComment(r scanner) (domain.Comment, error) {
	var c domain.Comment
	var parent sql.NullInt64
	err := r.Scan(&c.ID, &c.TaskID, &parent, &c.Body, &c.Created, &c.Author.ID, &c.Author.Username, &c.Author.Name)
	c.Parent, c.Created = parent.Int64, c.Created.UTC()
	return c, err
}

func (q queries) CreateComment(ctx context.Context, c domain.Comment) (domain.Comment, error) {
	var parent any
	if c.Parent != 0 {
		parent = c.Parent
	}
	err := q.queryRow(ctx, `INSERT INTO comments (task_id, parent_id, author_id, body, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
		c.TaskID, parent, c.Author.ID, c.Body, c.Created.UTC()).Scan(&c.ID)
	if err != nil {
		return c, fmt.Errorf("comment on task %d: %w", c.TaskID, q.wrap(err))
	}
	return c, nil
}

func (q queries) CommentByID(ctx context.Context, id int64) (domain.Comment, error) {
	c, err := scanComment(q.queryRow(ctx, `SELECT `+commentColumns+` FROM comments c JOIN users u ON u.id = c.author_id
		WHERE c.id = ?`, id))
	if err != nil {
		return c, fmt.Errorf("comment %d: %w", id, q.wrap(err))
	}
	return c, nil
}

func (q queries) Comments(ctx context.Context, task int64) ([]domain.Comment, error) {
	rows, err := q.query(ctx, `SELECT `+commentColumns+` FROM comments c JOIN users u ON u.id = c.author_id
		WHERE c.task_id = ? ORDER BY c.id`, task)
	if err != nil {
		return nil, fmt.Errorf("comments of task %d: %w", task, err)
	}
	defer rows.Close()
	var cs []domain.Comment
	for rows.Next() {
		c, err := scanComment(rows)
		if err != nil {
			return nil, fmt.Errorf("comments of task %d: %w", task, err)
		}
		cs = append(cs, c)
	}
	return cs, rows.Err()
}
