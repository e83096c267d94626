package sqlstore

import (
	"context"
	"fmt"

	"github.com/acanban/acanban/internal/domain"
)

const fileColumns = `f.id, f.project_id, f.cid, f.name, f.size, f.media_type, f.created_at, u.id, u.username, u.name`

const fileFrom = ` FROM files f JOIN users u ON u.id = f.uploaded_by`

func scanFile(r scanner, before ...any) (domain.File, error) {
	var f domain.File
	err := r.Scan(append(before, &f.ID, &f.ProjectID, &f.CID, &f.Name, &f.Size, &f.MediaType, &f.Created,
		&f.UploadedBy.ID, &f.UploadedBy.Username, &f.UploadedBy.Name)...)
	f.Created = f.Created.UTC()
	return f, err
}

func (q queries) CreateFile(ctx context.Context, f domain.File) (domain.File, error) {
	err := q.queryRow(ctx, `INSERT INTO files (project_id, cid, name, size, media_type, uploaded_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		f.ProjectID, f.CID, f.Name, f.Size, f.MediaType, f.UploadedBy.ID, f.Created.UTC()).Scan(&f.ID)
	if err != nil {
		return f, fmt.Errorf("record file %s: %w", f.CID, q.wrap(err))
	}
	return f, nil
}

func (q queries) FileByID(ctx context.Context, id int64) (domain.File, error) {
	f, err := scanFile(q.queryRow(ctx, `SELECT `+fileColumns+fileFrom+` WHERE f.id = ?`, id))
	if err != nil {
		return f, fmt.Errorf("file %d: %w", id, q.wrap(err))
	}
	return f, nil
}

func (q queries) FilesByCID(ctx context.Context, cid string) ([]domain.File, error) {
	rows, err := q.query(ctx, `SELECT `+fileColumns+fileFrom+` WHERE f.cid = ? ORDER BY f.id DESC`, cid)
	if err != nil {
		return nil, fmt.Errorf("files of %s: %w", cid, err)
	}
	defer rows.Close()
	var fs []domain.File
	for rows.Next() {
		f, err := scanFile(rows)
		if err != nil {
			return nil, fmt.Errorf("files of %s: %w", cid, err)
		}
		fs = append(fs, f)
	}
	return fs, rows.Err()
}

func (q queries) FileCIDs(ctx context.Context) ([]string, error) {
	rows, err := q.query(ctx, `SELECT DISTINCT cid FROM files`)
	if err != nil {
		return nil, fmt.Errorf("file CIDs: %w", err)
	}
	defer rows.Close()
	var cids []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, fmt.Errorf("file CIDs: %w", err)
		}
		cids = append(cids, c)
	}
	return cids, rows.Err()
}

func (q queries) AddRevision(ctx context.Context, project int64, slot domain.Slot, file int64) (domain.Revision, error) {
	r := domain.Revision{Slot: slot}
	err := q.atomic(ctx, func(q queries) error {
		var id int64 // lock the project: revisions of one slot are numbered one at a time
		if err := q.queryRow(ctx, `SELECT id FROM projects WHERE id = ?`+q.d.ForUpdate, project).Scan(&id); err != nil {
			return q.wrap(err)
		}
		err := q.queryRow(ctx, `INSERT INTO revisions (project_id, slot, number, file_id)
			VALUES (?, ?, (SELECT COALESCE(MAX(number), 0) + 1 FROM revisions WHERE project_id = ? AND slot = ?), ?)
			RETURNING id, number`, project, string(slot), project, string(slot), file).Scan(&r.ID, &r.Number)
		if err != nil {
			return q.wrap(err)
		}
		r.File, err = q.FileByID(ctx, file)
		return err
	})
	if err != nil {
		return r, fmt.Errorf("add %s revision to project %d: %w", slot, project, err)
	}
	return r, nil
}

func (q queries) Revisions(ctx context.Context, project int64, slot domain.Slot) ([]domain.Revision, error) {
	rows, err := q.query(ctx, `SELECT r.id, r.number, `+fileColumns+`
		FROM revisions r JOIN files f ON f.id = r.file_id JOIN users u ON u.id = f.uploaded_by
		WHERE r.project_id = ? AND r.slot = ? ORDER BY r.number DESC`, project, string(slot))
	if err != nil {
		return nil, fmt.Errorf("%s revisions of project %d: %w", slot, project, err)
	}
	defer rows.Close()
	var rs []domain.Revision
	for rows.Next() {
		r := domain.Revision{Slot: slot}
		if r.File, err = scanFile(rows, &r.ID, &r.Number); err != nil {
			return nil, fmt.Errorf("%s revisions of project %d: %w", slot, project, err)
		}
		rs = append(rs, r)
	}
	return rs, rows.Err()
}
