package domain

import (
	"strings"
	"time"
)

// Project is a group project: members, a Kanban board of tasks, a report and
// slides, and grades.
type Project struct {
	ID          int64
	Name        string
	Description string // Markdown
	Department  string
	CreatedBy   int64
	Created     time.Time
	Updated     time.Time
	Deadline    time.Time // zero: none
	// Version counts edits, so that an edit made from a stale form is
	// refused instead of silently undoing another.
	Version int
	// Published is when an assistant published the results; zero: not yet.
	Published time.Time
}

// Member is a user's place in a project.
type Member struct {
	ProjectID int64
	User      User
	Role      Role // RoleStudent or RoleSupervisor
	Joined    time.Time
}

// Limits on project and task fields.
const (
	MaxProjectName = 200
	MaxTaskName    = 200
	MaxDescription = 50000
	MaxComment     = 20000
)

// ProjectDraft is a project as typed in the create or edit form. Nil
// fields were not in the form and stay as they are.
type ProjectDraft struct {
	Name        *string
	Description *string
	Department  *string
	Deadline    *time.Time // zero time: no deadline
}

// Apply validates d and writes it into p.
func (d ProjectDraft) Apply(p *Project) error {
	if d.Name != nil {
		name := strings.TrimSpace(*d.Name)
		if name == "" {
			return Invalid("name", "Give the project a name.")
		}
		if err := ValidateLine("name", name, MaxProjectName); err != nil {
			return err
		}
		p.Name = name
	}
	if d.Description != nil {
		desc := normalizeText(*d.Description)
		if err := ValidateText("description", desc, MaxDescription); err != nil {
			return err
		}
		p.Description = desc
	}
	if d.Department != nil {
		dep := strings.TrimSpace(*d.Department)
		if err := ValidateLine("department", dep, MaxDepartment); err != nil {
			return err
		}
		p.Department = dep
	}
	if d.Deadline != nil {
		p.Deadline = d.Deadline.UTC()
	}
	return nil
}

func normalizeText(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
}

// ProjectSummary is a project in a list, with its progress.
type ProjectSummary struct {
	Project
	Tasks        int
	Done         int
	Overdue      int
	NextDeadline time.Time // nearest deadline not passed: the project's or an open task's
	Members      int
	Doing        int       // tasks in progress
	LastActivity time.Time // latest change of a task, comment, file or grade
}

// Percent is the share of done tasks, 0 to 100.
func (s ProjectSummary) Percent() int {
	if s.Tasks == 0 {
		return 0
	}
	return s.Done * 100 / s.Tasks
}
