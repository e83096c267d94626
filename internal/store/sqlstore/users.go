package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/acanban/acanban/internal/domain"
	"github.com/acanban/acanban/internal/store"
)

const userColumns = `id, username, name, email, password_hash, role, department, student_id, bio, is_admin, disabled, created_at, updated_at`

type scanner interface{ Scan(dest ...any) error }

// prefixed qualifies each column of a list with a table alias.
func prefixed(alias, columns string) string {
	parts := strings.Split(columns, ", ")
	for i, c := range parts {
		parts[i] = alias + "." + c
	}
	return strings.Join(parts, ", ")
}

func scanUser(r scanner) (domain.User, error) { return scanUserAfter(r) }

// scanUserAfter scans columns before, then the user's columns.
func scanUserAfter(r scanner, before ...any) (domain.User, error) {
	var u domain.User
	var role string
	err := r.Scan(append(before, &u.ID, &u.Username, &u.Name, &u.Email, &u.PasswordHash, &role,
		&u.Department, &u.StudentID, &u.Bio, &u.Admin, &u.Disabled, &u.Created, &u.Updated)...)
	u.Role = domain.Role(role)
	u.Created, u.Updated = u.Created.UTC(), u.Updated.UTC()
	return u, err
}

func (q queries) CreateUser(ctx context.Context, u domain.User) (domain.User, error) {
	u.Created, u.Updated = u.Created.UTC(), u.Updated.UTC()
	err := q.queryRow(ctx, `INSERT INTO users
		(username, name, email, password_hash, role, department, student_id, bio, is_admin, created_at, updated_at, search)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		u.Username, u.Name, u.Email, u.PasswordHash, string(u.Role), u.Department, u.StudentID, u.Bio, u.Admin,
		u.Created, u.Updated, userSearch(u.Username, u.Name)).Scan(&u.ID)
	if err != nil {
		return domain.User{}, fmt.Errorf("create user %q: %w", u.Username, q.wrap(err))
	}
	return u, nil
}

func (q queries) userWhere(ctx context.Context, cond string, arg any) (domain.User, error) {
	u, err := scanUser(q.queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE `+cond, arg))
	return u, q.wrap(err)
}

func (q queries) UserByID(ctx context.Context, id int64) (domain.User, error) {
	u, err := q.userWhere(ctx, `id = ?`, id)
	if err != nil {
		return u, fmt.Errorf("user %d: %w", id, err)
	}
	return u, nil
}

func (q queries) UserByUsername(ctx context.Context, username string) (domain.User, error) {
	u, err := q.userWhere(ctx, `username = ?`, username)
	if err != nil {
		return u, fmt.Errorf("user %q: %w", username, err)
	}
	return u, nil
}

func (q queries) UpdateProfile(ctx context.Context, id int64, p domain.Profile, now time.Time) error {
	err := mustAffect(q.exec(ctx, `UPDATE users SET name = ?, email = ?, department = ?, student_id = ?, bio = ?, updated_at = ?,
		search = username || ' ' || ?
		WHERE id = ?`, p.Name, p.Email, p.Department, p.StudentID, p.Bio, now.UTC(), domain.Fold(p.Name), id))
	if err != nil {
		return fmt.Errorf("update profile of user %d: %w", id, err)
	}
	return nil
}

func (q queries) SetPasswordHash(ctx context.Context, id int64, hash string, now time.Time) error {
	err := mustAffect(q.exec(ctx, `UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?`, hash, now.UTC(), id))
	if err != nil {
		return fmt.Errorf("set password of user %d: %w", id, err)
	}
	return nil
}

func (q queries) SetDisabled(ctx context.Context, id int64, disabled bool, now time.Time) error {
	err := mustAffect(q.exec(ctx, `UPDATE users SET disabled = ?, updated_at = ? WHERE id = ?`, disabled, now.UTC(), id))
	if err != nil {
		return fmt.Errorf("disable user %d: %w", id, err)
	}
	return nil
}

func (q queries) CountUsers(ctx context.Context) (int, error) {
	var n int
	if err := q.queryRow(ctx, `SELECT COUNT(*) FROM users`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count users: %w", q.wrap(err))
	}
	return n, nil
}

// userSearch is what the people search matches: username and folded name.
func userSearch(username, name string) string { return username + " " + domain.Fold(name) }

func (q queries) SearchUsers(ctx context.Context, f store.UserFilter) ([]domain.User, int, error) {
	where, args := matchWords("search", f.Query)
	if len(f.Roles) > 0 {
		where += ` AND role IN (` + placeholders(len(f.Roles)) + `)`
		for _, r := range f.Roles {
			args = append(args, string(r))
		}
	}
	// A word few users have is looked up in the trigram index, if there is
	// one, instead of reading every user. When the index finds more than
	// MaxCount candidates the word is common, and reading users in
	// username order finds the page early.
	if fts := q.d.UserSearchFTS; fts != "" {
		if expr := trigramMatch(f.Query); expr != "" {
			var candidates int
			if err := q.queryRow(ctx, `SELECT COUNT(*) FROM (SELECT rowid FROM `+fts+` WHERE `+fts+` MATCH ? LIMIT ?) AS candidates`,
				expr, store.MaxCount+1).Scan(&candidates); err != nil {
				return nil, 0, fmt.Errorf("search users: %w", q.wrap(err))
			}
			if candidates == 0 {
				return nil, 0, nil
			}
			if candidates <= store.MaxCount {
				where += ` AND id IN (SELECT rowid FROM ` + fts + ` WHERE ` + fts + ` MATCH ?)`
				args = append(args, expr)
			}
		}
	}
	var total int
	// Counting stops past store.MaxCount: a search of a big site does not
	// visit every user to say "more than 1 000".
	countArgs := append(append([]any{}, args...), store.MaxCount+1)
	if err := q.queryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM users WHERE `+where+` LIMIT ?) AS matches`, countArgs...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("search users: %w", q.wrap(err))
	}
	if total == 0 {
		return nil, 0, nil
	}
	rows, err := q.query(ctx, `SELECT `+userColumns+` FROM users WHERE `+where+` ORDER BY username LIMIT ? OFFSET ?`,
		append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("search users: %w", err)
	}
	defer rows.Close()
	var us []domain.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("search users: %w", err)
		}
		us = append(us, u)
	}
	return us, total, rows.Err()
}
