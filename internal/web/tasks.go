package web

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/acanban/acanban/internal/domain"
	"github.com/acanban/acanban/internal/projects"
)

// taskFormPage is the create and edit forms of a task.
type taskFormPage struct {
	Students []domain.Member
	Task     domain.Task // when editing
}

func (s *Server) renderTaskForm(w http.ResponseWriter, r *http.Request, a projects.Access, name string, status int, t domain.Task, p *page) {
	ms, err := s.Projects.Members(r.Context(), a)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var students []domain.Member
	for _, m := range ms {
		if m.Role == domain.RoleStudent {
			students = append(students, m)
		}
	}
	p.Data = viewOf(a, "tasks", taskFormPage{Students: students, Task: t})
	s.render(w, r, status, name, p)
}

func (s *Server) taskCreateForm(w http.ResponseWriter, r *http.Request) {
	a, ok := s.project(w, r, domain.WriteTask)
	if !ok {
		return
	}
	s.renderTaskForm(w, r, a, "task_new", http.StatusOK, domain.Task{}, &page{Title: "New task"})
}

// taskDraft reads the task fields of a posted form.
func (s *Server) taskDraft(r *http.Request) (domain.TaskDraft, error) { return s.readTaskDraft(r, "") }

// origDraft reads the orig_ fields of a task edit form: the values the
// editor started from.
func (s *Server) origDraft(r *http.Request) (domain.TaskDraft, error) {
	return s.readTaskDraft(r, "orig_")
}

func (s *Server) readTaskDraft(r *http.Request, prefix string) (domain.TaskDraft, error) {
	deadline, err := s.deadlineField(r, prefix+"deadline")
	if err != nil {
		return domain.TaskDraft{}, err
	}
	d := domain.TaskDraft{Name: optional(r, prefix+"name"), Description: optional(r, prefix+"description"),
		Assignee: optional(r, prefix+"assignee"), Deadline: deadline}
	if r.PostForm.Has(prefix + "status") {
		st, err := domain.ParseStatus(r.PostForm.Get(prefix + "status"))
		if err != nil {
			return d, err
		}
		d.Status = &st
	}
	return d, nil
}

func (s *Server) taskCreate(w http.ResponseWriter, r *http.Request) {
	a, ok := s.project(w, r, domain.WriteTask)
	if !ok {
		return
	}
	p := &page{Title: "New task"}
	err := parseForm(w, r)
	var d domain.TaskDraft
	if err == nil {
		d, err = s.taskDraft(r)
	}
	var t domain.Task
	if err == nil {
		t, err = s.Projects.CreateTask(r.Context(), a, d)
	}
	if err != nil {
		p.Error, p.Field = s.message(r, err)
		p.Form = r.PostForm
		s.renderTaskForm(w, r, a, "task_new", statusOf(err), domain.Task{}, p)
		return
	}
	redirect(w, r, fmt.Sprintf("/p/%d/tasks/%d", a.Project.ID, t.Number))
}

// taskPageData is a task's page.
type taskPageData struct {
	projects.TaskPage
	Statuses  []domain.Status
	CanHandIn bool // the viewer is the assignee
	// Grades of the task by its supervisors: shown to staff, and to
	// students once published; the feedback to the assignee at once.
	Grades                  []domain.Evaluation
	ShowGrade, ShowFeedback bool
	CanGrade                bool
	Scale                   domain.Scale
}

func (s *Server) taskPage(w http.ResponseWriter, r *http.Request) {
	a, ok := s.project(w, r, domain.ViewBoard)
	if !ok {
		return
	}
	s.renderTask(w, r, a, http.StatusOK, nil)
}

// renderTask shows the task page, with failure's message above the
// comment form if any.
func (s *Server) renderTask(w http.ResponseWriter, r *http.Request, a projects.Access, status int, failure error) {
	n, err := taskNumber(r)
	var tp projects.TaskPage
	if err == nil {
		tp, err = s.Projects.Task(r.Context(), a, n)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	assignee := tp.Task.Assignee != nil && tp.Task.Assignee.ID == a.Viewer.ID
	data := taskPageData{TaskPage: tp, Statuses: domain.Statuses, CanHandIn: a.Can(domain.HandIn) && assignee,
		CanGrade: a.Can(domain.GradeTask), Scale: s.Grading.Scale}
	student := a.Standing == domain.StudentMember
	data.ShowGrade = !student || !a.Project.Published.IsZero()
	data.ShowFeedback = !student || assignee
	if data.ShowGrade || data.ShowFeedback {
		if data.Grades, err = s.Grading.TaskGrades(r.Context(), a, tp.Task.ID); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	p := &page{Title: fmt.Sprintf("#%d %s", tp.Task.Number, tp.Task.Name), Data: viewOf(a, "tasks", data), Form: r.PostForm}
	if failure != nil {
		p.Error, p.Field = s.message(r, failure)
	}
	s.render(w, r, status, "task", p)
}

// taskForm fills the edit form from t (see projectForm).
func (s *Server) taskForm(t domain.Task, submitted url.Values) url.Values {
	stored := map[string]string{"name": t.Name, "description": t.Description, "deadline": formTime(t.Deadline, s.Location),
		"status": string(t.Status), "assignee": ""}
	if t.Assignee != nil {
		stored["assignee"] = t.Assignee.Username
	}
	return mergeForm(stored, submitted)
}

func (s *Server) taskEditForm(w http.ResponseWriter, r *http.Request) {
	a, ok := s.project(w, r, domain.WriteTask)
	if !ok {
		return
	}
	n, err := taskNumber(r)
	var tp projects.TaskPage
	if err == nil {
		tp, err = s.Projects.Task(r.Context(), a, n)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderTaskForm(w, r, a, "task_edit", http.StatusOK, tp.Task, &page{Title: fmt.Sprintf("Edit #%d", n), Form: s.taskForm(tp.Task, nil)})
}

func (s *Server) taskEdit(w http.ResponseWriter, r *http.Request) {
	a, ok := s.project(w, r, domain.WriteTask)
	if !ok {
		return
	}
	n, err := taskNumber(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	err = parseForm(w, r)
	var d domain.TaskDraft
	if err == nil {
		d, err = s.taskDraft(r)
	}
	var t domain.Task
	if err == nil {
		var orig domain.TaskDraft
		if orig, err = s.origDraft(r); err == nil {
			t, err = s.Projects.EditTask(r.Context(), a, n, d, orig, version(r))
		}
	}
	if domain.KindOf(err) == domain.KindNotFound {
		s.fail(w, r, err)
		return
	}
	if err != nil {
		p := &page{Title: fmt.Sprintf("Edit #%d", n), Form: r.PostForm}
		p.Error, p.Field = s.message(r, err)
		tp, terr := s.Projects.Task(r.Context(), a, n)
		if terr != nil {
			s.fail(w, r, terr)
			return
		}
		if domain.KindOf(err) == domain.KindConflict {
			p.Form = s.taskForm(tp.Task, r.PostForm) // what is stored now; a second save replaces it
		}
		s.renderTaskForm(w, r, a, "task_edit", statusOf(err), tp.Task, p)
		return
	}
	redirect(w, r, fmt.Sprintf("/p/%d/tasks/%d", a.Project.ID, t.Number))
}

func (s *Server) taskComment(w http.ResponseWriter, r *http.Request) {
	a, ok := s.project(w, r, domain.WriteTask)
	if !ok {
		return
	}
	n, err := taskNumber(r)
	if err == nil {
		err = parseForm(w, r)
	}
	var parent int64
	if err == nil && r.PostForm.Get("parent") != "" {
		parent, err = strconv.ParseInt(r.PostForm.Get("parent"), 10, 64)
		if err != nil || parent <= 0 {
			err = domain.NotFound("There is no comment %q to reply to.", r.PostForm.Get("parent"))
		}
	}
	var c domain.Comment
	if err == nil {
		c, err = s.Projects.Comment(r.Context(), a, n, r.PostForm.Get("content"), parent)
	}
	if k := domain.KindOf(err); k == domain.KindNotFound || k == domain.KindInternal && err != nil {
		s.fail(w, r, err)
		return
	}
	if err != nil {
		s.renderTask(w, r, a, statusOf(err), err)
		return
	}
	redirect(w, r, fmt.Sprintf("/p/%d/tasks/%d#c%d", a.Project.ID, n, c.ID))
}

// taskWork hands in the evidence of a task: a file (multipart "file") or a
// link ("url").
func (s *Server) taskWork(w http.ResponseWriter, r *http.Request) {
	a, ok := s.project(w, r, domain.HandIn)
	if !ok {
		return
	}
	n, err := taskNumber(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	handedIn := false
	var fields url.Values
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		fields, err = s.streamUpload(w, r, func(name string, body io.Reader) error {
			_, err := s.Projects.HandInFile(r.Context(), a, n, name, body)
			handedIn = err == nil
			return err
		})
	} else if err = parseForm(w, r); err == nil {
		fields = r.PostForm
	}
	if err == nil && !handedIn {
		_, err = s.Projects.HandInURL(r.Context(), a, n, fields.Get("url"))
	}
	if k := domain.KindOf(err); k == domain.KindNotFound || k == domain.KindForbidden || k == domain.KindInternal && err != nil {
		s.fail(w, r, err)
		return
	}
	if err != nil {
		r.PostForm = fields
		s.renderTask(w, r, a, statusOf(err), err)
		return
	}
	s.setFlash(w, "Your work is handed in.")
	redirect(w, r, fmt.Sprintf("/p/%d/tasks/%d", a.Project.ID, n))
}
