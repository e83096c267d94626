package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/acanban/acanban/internal/domain"
	"github.com/acanban/acanban/internal/store"
)

const taskColumns = `t.id, t.project_id, t.number, t.name, t.description, t.created_by, t.status, t.deadline,
	t.created_at, t.updated_at, t.version, t.work_url, a.id, a.username, a.name,
	wf.id, wf.cid, wf.name, wf.size, wf.media_type`

const taskFrom = ` FROM tasks t LEFT JOIN users a ON a.id = t.assignee_id LEFT JOIN files wf ON wf.id = t.work_file_id`

func scanTask(r scanner) (domain.Task, error) {
	var t domain.Task
	var status string
	var aID, fID, fSize sql.NullInt64
	var aUsername, aName, fCID, fName, fType sql.NullString
	err := r.Scan(&t.ID, &t.ProjectID, &t.Number, &t.Name, &t.Description, &t.CreatedBy, &status, timeOrZero{&t.Deadline},
		&t.Created, &t.Updated, &t.Version, &t.WorkURL, &aID, &aUsername, &aName, &fID, &fCID, &fName, &fSize, &fType)
	if fID.Valid {
		t.WorkFile = &domain.File{ID: fID.Int64, ProjectID: t.ProjectID, CID: fCID.String, Name: fName.String,
			Size: fSize.Int64, MediaType: fType.String}
	}
	t.Status = domain.Status(status)
	t.Created, t.Updated = t.Created.UTC(), t.Updated.UTC()
	if aID.Valid {
		t.Assignee = &domain.User{ID: aID.Int64, Username: aUsername.String, Name: aName.String}
	}
	return t, err
}

func assigneeID(t domain.Task) any {
	if t.Assignee == nil {
		return nil
	}
	return t.Assignee.ID
}

func (q queries) CreateTask(ctx context.Context, t domain.Task) (domain.Task, error) {
	err := q.atomic(ctx, func(q queries) error {
		var err error
		t, err = q.createTask(ctx, t)
		return err
	})
	return t, err
}

// createTask takes the project's next number and inserts the task; the
// number is used up only if the insert commits.
func (q queries) createTask(ctx context.Context, t domain.Task) (domain.Task, error) {
	if err := q.queryRow(ctx, `UPDATE projects SET task_seq = task_seq + 1 WHERE id = ? RETURNING task_seq`,
		t.ProjectID).Scan(&t.Number); err != nil {
		return t, fmt.Errorf("number a task of project %d: %w", t.ProjectID, q.wrap(err))
	}
	t.Version = 1
	err := q.queryRow(ctx, `INSERT INTO tasks
		(project_id, number, name, description, created_by, assignee_id, status, deadline, created_at, updated_at, version, work_url)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		t.ProjectID, t.Number, t.Name, t.Description, t.CreatedBy, assigneeID(t), string(t.Status), nullTime(t.Deadline),
		t.Created.UTC(), t.Updated.UTC(), t.Version, t.WorkURL).Scan(&t.ID)
	if err != nil {
		return t, fmt.Errorf("create task: %w", q.wrap(err))
	}
	return t, nil
}

func (q queries) TaskByNumber(ctx context.Context, project int64, number int) (domain.Task, error) {
	t, err := scanTask(q.queryRow(ctx, `SELECT `+taskColumns+taskFrom+` WHERE t.project_id = ? AND t.number = ?`, project, number))
	if err != nil {
		return t, fmt.Errorf("task #%d of project %d: %w", number, project, q.wrap(err))
	}
	return t, nil
}

func (q queries) Tasks(ctx context.Context, project int64) ([]domain.Task, error) {
	rows, err := q.query(ctx, `SELECT `+taskColumns+taskFrom+` WHERE t.project_id = ? ORDER BY t.number`, project)
	if err != nil {
		return nil, fmt.Errorf("tasks of project %d: %w", project, err)
	}
	defer rows.Close()
	var ts []domain.Task
	for rows.Next() {
		t, err := scanTask(rows)
		if err != nil {
			return nil, fmt.Errorf("tasks of project %d: %w", project, err)
		}
		ts = append(ts, t)
	}
	return ts, rows.Err()
}

func (q queries) UpdateTask(ctx context.Context, t domain.Task) (domain.Task, error) {
	err := q.queryRow(ctx, `UPDATE tasks SET name = ?, description = ?, assignee_id = ?, deadline = ?, status = ?,
		work_url = ?, updated_at = ?, version = version + 1
		WHERE id = ? AND version = ? RETURNING version`,
		t.Name, t.Description, assigneeID(t), nullTime(t.Deadline), string(t.Status), t.WorkURL, t.Updated.UTC(),
		t.ID, t.Version).Scan(&t.Version)
	if err = q.wrap(err); err == store.ErrNotFound {
		var exists int
		if cerr := q.queryRow(ctx, `SELECT COUNT(*) FROM tasks WHERE id = ?`, t.ID).Scan(&exists); cerr != nil {
			err = q.wrap(cerr)
		} else if exists > 0 {
			err = store.ErrStale
		}
	}
	if err != nil {
		return t, fmt.Errorf("update task %d: %w", t.ID, err)
	}
	return t, nil
}

func (q queries) SetTaskStatus(ctx context.Context, id int64, s domain.Status, now time.Time) (from domain.Status, err error) {
	err = q.atomic(ctx, func(q queries) error {
		from, err = q.setTaskStatus(ctx, id, s, now)
		return err
	})
	return from, err
}

// setTaskStatus reads the status, locking the row, then writes the new one.
func (q queries) setTaskStatus(ctx context.Context, id int64, s domain.Status, now time.Time) (domain.Status, error) {
	var from string
	if err := q.queryRow(ctx, `SELECT status FROM tasks WHERE id = ?`+q.d.ForUpdate, id).Scan(&from); err != nil {
		return "", fmt.Errorf("move task %d: %w", id, q.wrap(err))
	}
	if domain.Status(from) == s {
		return s, nil
	}
	if _, err := q.exec(ctx, `UPDATE tasks SET status = ?, updated_at = ?, version = version + 1 WHERE id = ?`,
		string(s), now.UTC(), id); err != nil {
		return "", fmt.Errorf("move task %d: %w", id, err)
	}
	return domain.Status(from), nil
}

func (q queries) SetTaskWork(ctx context.Context, id int64, url string, file int64, now time.Time) error {
	var fileID any
	if file != 0 {
		fileID = file
	}
	err := mustAffect(q.exec(ctx, `UPDATE tasks SET work_url = ?, work_file_id = ?, updated_at = ?, version = version + 1
		WHERE id = ?`, url, fileID, now.UTC(), id))
	if err != nil {
		return fmt.Errorf("hand in task %d: %w", id, err)
	}
	return nil
}

func (q queries) UnassignTasks(ctx context.Context, project, user int64, now time.Time) error {
	_, err := q.exec(ctx, `UPDATE tasks SET assignee_id = NULL, updated_at = ?, version = version + 1
		WHERE project_id = ? AND assignee_id = ?`, now.UTC(), project, user)
	if err != nil {
		return fmt.Errorf("unassign user %d in project %d: %w", user, project, err)
	}
	return nil
}

func (q queries) AddTaskEvent(ctx context.Context, e domain.TaskEvent) error {
	_, err := q.exec(ctx, `INSERT INTO task_events (task_id, actor_id, at, from_status, to_status) VALUES (?, ?, ?, ?, ?)`,
		e.TaskID, e.Actor.ID, e.At.UTC(), string(e.From), string(e.To))
	if err != nil {
		return fmt.Errorf("record status of task %d: %w", e.TaskID, err)
	}
	return nil
}

func (q queries) TaskEvents(ctx context.Context, task int64) ([]domain.TaskEvent, error) {
	rows, err := q.query(ctx, `SELECT e.at, e.from_status, e.to_status, u.id, u.username, u.name
		FROM task_events e JOIN users u ON u.id = e.actor_id WHERE e.task_id = ? ORDER BY e.id`, task)
	if err != nil {
		return nil, fmt.Errorf("history of task %d: %w", task, err)
	}
	defer rows.Close()
	var es []domain.TaskEvent
	for rows.Next() {
		e := domain.TaskEvent{TaskID: task}
		var from, to string
		if err := rows.Scan(&e.At, &from, &to, &e.Actor.ID, &e.Actor.Username, &e.Actor.Name); err != nil {
			return nil, fmt.Errorf("history of task %d: %w", task, err)
		}
		e.At, e.From, e.To = e.At.UTC(), domain.Status(from), domain.Status(to)
		es = append(es, e)
	}
	return es, rows.Err()
}
