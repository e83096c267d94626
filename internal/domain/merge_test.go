package domain

import (
	"testing"
	"time"
)

func ptr[T any](v T) *T { return &v }

func TestTaskMerge(t *testing.T) {
	deadline := time.Date(2026, 12, 10, 16, 59, 30, 0, time.UTC) // seconds: a form shows minutes
	stored := Task{Name: "Write", Description: "Old", Status: StatusDoing, Deadline: deadline,
		Assignee: &User{Username: "ada"}}
	form := func() (TaskDraft, TaskDraft) {
		orig := TaskDraft{Name: ptr("Write"), Description: ptr("Old"), Assignee: ptr("ada"),
			Deadline: ptr(deadline.Truncate(time.Minute)), Status: ptr(StatusTodo)} // the card was moved since
		next := orig
		return next, orig
	}
	// The editor changed the description only: the move stays.
	next, orig := form()
	next.Description = ptr("New")
	got, err := next.Merge(orig, stored)
	if err != nil || got.Status != nil || got.Name != nil || got.Assignee != nil || got.Deadline != nil || *got.Description != "New" {
		t.Errorf("merge of a description edit = %+v, %v; want only the description", got, err)
	}
	// The editor changed the status too, and so did someone else: conflict.
	next, orig = form()
	next.Status = ptr(StatusDone)
	if _, err := next.Merge(orig, stored); KindOf(err) != KindConflict {
		t.Errorf("both moved the card: %v; want a conflict", err)
	}
	// Both made the same change: no conflict.
	next, orig = form()
	next.Status = ptr(StatusDoing)
	if got, err := next.Merge(orig, stored); err != nil || got.Status == nil {
		t.Errorf("same change on both sides: %+v, %v", got, err)
	}
	// No orig: the submitted value wins (clients of the plain contract).
	next = TaskDraft{Status: ptr(StatusDone)}
	if got, err := next.Merge(TaskDraft{}, stored); err != nil || *got.Status != StatusDone {
		t.Errorf("without orig: %+v, %v", got, err)
	}
}

func TestProjectMerge(t *testing.T) {
	stored := Project{Name: "Renamed by Bob", Description: "D", Department: "ICT"}
	orig := ProjectDraft{Name: ptr("Old name"), Description: ptr("D"), Department: ptr("ICT"), Deadline: ptr(time.Time{})}
	next := orig
	next.Deadline = ptr(time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC))
	got, err := next.Merge(orig, stored)
	if err != nil || got.Name != nil || got.Deadline == nil {
		t.Errorf("deadline edit while the name changed: %+v, %v; want the deadline only", got, err)
	}
	next = orig
	next.Name = ptr("Alice's name")
	if _, err := next.Merge(orig, stored); KindOf(err) != KindConflict {
		t.Errorf("both renamed: %v; want a conflict", err)
	}
}
