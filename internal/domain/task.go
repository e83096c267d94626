package domain

import (
	"strings"
	"time"
)

// Status is a task's column on the board.
type Status string

const (
	StatusTodo  Status = "todo"
	StatusDoing Status = "doing"
	StatusDone  Status = "done"
)

// Statuses lists the columns in board order.
var Statuses = []Status{StatusTodo, StatusDoing, StatusDone}

// ParseStatus validates a status from a form.
func ParseStatus(s string) (Status, error) {
	st := Status(strings.TrimSpace(s))
	for _, known := range Statuses {
		if st == known {
			return st, nil
		}
	}
	return "", Invalid("status", "Unknown status %q: use todo, doing or done.", s)
}

// Title is the column's name.
func (s Status) Title() string {
	switch s {
	case StatusTodo:
		return "To do"
	case StatusDoing:
		return "In progress"
	case StatusDone:
		return "Done"
	}
	return string(s)
}

// Task is a card on a project's board.
type Task struct {
	ID          int64
	ProjectID   int64
	Number      int // #1, #2 … per project, never changes
	Name        string
	Description string // Markdown
	CreatedBy   int64
	Assignee    *User // nil: unassigned
	Status      Status
	Deadline    time.Time // zero: none
	Created     time.Time
	Updated     time.Time
	Version     int
	// Evidence of the work handed in, if any: a URL or a file.
	WorkURL  string
	WorkFile *File
}

// Overdue reports whether the task is open past its deadline at now.
func (t Task) Overdue(now time.Time) bool {
	return t.Status != StatusDone && !t.Deadline.IsZero() && t.Deadline.Before(now)
}

// HandedIn reports whether work was handed in.
func (t Task) HandedIn() bool { return t.WorkURL != "" || t.WorkFile != nil }

// TaskDraft is a task as typed in the create or edit form. Nil fields were
// not in the form and stay as they are.
type TaskDraft struct {
	Name        *string
	Description *string
	Assignee    *string // username; "" unassigns
	Deadline    *time.Time
	Status      *Status
}

// TaskEvent records a change of a task's status.
type TaskEvent struct {
	TaskID int64
	Actor  User
	At     time.Time
	From   Status // "" when the task was created
	To     Status
}

// Comment is one message of a task's discussion.
type Comment struct {
	ID      int64
	TaskID  int64
	Parent  int64 // 0: top level
	Author  User
	Body    string // Markdown
	Created time.Time
	// Replies is filled when the comments are arranged as a forest.
	Replies []*Comment
}

// Thread arranges comments, oldest first, as a forest of replies.
func Thread(cs []Comment) []*Comment {
	byID := make(map[int64]*Comment, len(cs))
	nodes := make([]*Comment, len(cs))
	for i := range cs {
		nodes[i] = &cs[i]
		byID[cs[i].ID] = nodes[i]
	}
	var roots []*Comment
	for _, c := range nodes {
		if p, ok := byID[c.Parent]; ok && c.Parent != 0 {
			p.Replies = append(p.Replies, c)
		} else {
			roots = append(roots, c)
		}
	}
	return roots
}
