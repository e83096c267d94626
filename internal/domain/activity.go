package domain

import "time"

// Activity is one change on a project's board, as live updates announce it.
type Activity struct {
	ID        int64 // increasing: browsers resume after the last they saw
	ProjectID int64
	Kind      string // "task" (created or edited), "move", "comment", "work"
	Task      int    // the task's number
	Actor     int64
	Created   time.Time
}
