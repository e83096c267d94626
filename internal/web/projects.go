package web

import (
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/acanban/acanban/internal/domain"
	"github.com/acanban/acanban/internal/projects"
)

// projectListPage is /p: the projects the viewer may see, searchable.
type projectListPage struct {
	Query     string
	Projects  []domain.ProjectSummary
	Pager     pager
	CanCreate bool
}

func (s *Server) projectList(w http.ResponseWriter, r *http.Request) {
	v := s.requireUser(w, r)
	if v == nil {
		return
	}
	q := r.URL.Query().Get("q")
	pn := pageNumber(r)
	ps, total, err := s.Projects.List(r.Context(), *v, q, pn)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "projects", &page{Title: "Projects", Data: projectListPage{
		Query: q, Projects: ps, Pager: newPager(r, pn, total, projects.PageSize), CanCreate: domain.CanCreateProject(*v),
	}})
}

func (s *Server) projectCreateForm(w http.ResponseWriter, r *http.Request) {
	v := s.requireUser(w, r)
	if v == nil {
		return
	}
	if !domain.CanCreateProject(*v) {
		s.fail(w, r, domain.Forbidden("Only students and supervisors start projects."))
		return
	}
	s.render(w, r, http.StatusOK, "project_new", &page{Title: "New project", Form: url.Values{"department": {v.Department}}})
}

func (s *Server) projectCreate(w http.ResponseWriter, r *http.Request) {
	v := s.requireUser(w, r)
	if v == nil {
		return
	}
	p := &page{Title: "New project"}
	if !domain.CanCreateProject(*v) {
		s.fail(w, r, domain.Forbidden("Only students and supervisors start projects."))
		return
	}
	if err := parseForm(w, r); err != nil {
		s.formError(w, r, "project_new", p, err)
		return
	}
	deadline, err := s.deadlineField(r, "deadline")
	if err != nil {
		s.formError(w, r, "project_new", p, err)
		return
	}
	d := domain.ProjectDraft{Name: optional(r, "name"), Description: optional(r, "description"), Deadline: deadline}
	if dep := r.PostForm.Get("department"); dep != "" {
		d.Department = &dep
	}
	proj, err := s.Projects.Create(r.Context(), *v, d)
	if err != nil {
		s.formError(w, r, "project_new", p, err)
		return
	}
	redirect(w, r, fmt.Sprintf("/p/%d/info", proj.ID))
}

func (s *Server) projectRoot(w http.ResponseWriter, r *http.Request) {
	a, ok := s.project(w, r, domain.ViewProject)
	if !ok {
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/p/%d/info", a.Project.ID), http.StatusSeeOther)
}

// infoPage is the project's info tab.
type infoPage struct {
	Summary domain.ProjectSummary
	Members []domain.Member
}

func (s *Server) projectInfo(w http.ResponseWriter, r *http.Request) {
	a, ok := s.project(w, r, domain.ViewProject)
	if !ok {
		return
	}
	sum, err := s.Projects.Summary(r.Context(), a)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ms, err := s.Projects.Members(r.Context(), a)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "project_info", &page{Title: a.Project.Name, Data: viewOf(a, "info", infoPage{Summary: sum, Members: ms})})
}

func (s *Server) projectEditForm(w http.ResponseWriter, r *http.Request) {
	a, ok := s.project(w, r, domain.EditProject)
	if !ok {
		return
	}
	s.render(w, r, http.StatusOK, "project_edit", &page{Title: "Edit " + a.Project.Name, Data: viewOf(a, "info", nil),
		Form: s.projectForm(a.Project, nil)})
}

// projectForm fills the edit form from p: its values, and the same as
// the orig_ fields of the three-way merge. With submitted values, those
// stay and only the orig_ fields are refreshed from p.
func (s *Server) projectForm(p domain.Project, submitted url.Values) url.Values {
	stored := map[string]string{"name": p.Name, "description": p.Description, "department": p.Department,
		"deadline": formTime(p.Deadline, s.Location)}
	return mergeForm(stored, submitted)
}

// mergeForm returns the form of stored values, or of the submitted ones,
// with orig_ fields set to the stored values.
func mergeForm(stored map[string]string, submitted url.Values) url.Values {
	f := url.Values{}
	for k, v := range submitted {
		f[k] = v
	}
	for k, v := range stored {
		if submitted == nil {
			f.Set(k, v)
		}
		f.Set("orig_"+k, v)
	}
	return f
}

// draftOrig reads the orig_ fields of an edit form.
func (s *Server) origDeadline(r *http.Request) *time.Time {
	d, err := s.deadlineField(r, "orig_deadline")
	if err != nil {
		return nil
	}
	return d
}

func (s *Server) projectEdit(w http.ResponseWriter, r *http.Request) {
	a, ok := s.project(w, r, domain.EditProject)
	if !ok {
		return
	}
	p := &page{Title: "Edit " + a.Project.Name, Data: viewOf(a, "info", nil)}
	if err := parseForm(w, r); err != nil {
		s.formError(w, r, "project_edit", p, err)
		return
	}
	deadline, err := s.deadlineField(r, "deadline")
	if err == nil {
		_, err = s.Projects.Edit(r.Context(), a, domain.ProjectDraft{
			Name: optional(r, "name"), Description: optional(r, "description"),
			Department: optional(r, "department"), Deadline: deadline,
		}, domain.ProjectDraft{
			Name: optional(r, "orig_name"), Description: optional(r, "orig_description"),
			Department: optional(r, "orig_department"), Deadline: s.origDeadline(r),
		}, version(r))
	}
	if err != nil {
		p.Error, p.Field = s.message(r, err)
		p.Form = r.PostForm
		if domain.KindOf(err) == domain.KindConflict {
			// Show what is stored now; a second save replaces it.
			if fresh, ferr := s.Projects.Open(r.Context(), a.Viewer, a.Project.ID); ferr == nil {
				p.Form = s.projectForm(fresh.Project, r.PostForm)
			}
		}
		s.render(w, r, statusOf(err), "project_edit", p)
		return
	}
	redirect(w, r, fmt.Sprintf("/p/%d/info", a.Project.ID))
}

func (s *Server) projectMembers(w http.ResponseWriter, r *http.Request) {
	a, ok := s.project(w, r, domain.ViewProject)
	if !ok {
		return
	}
	s.renderMembers(w, r, a, http.StatusOK, nil)
}

func (s *Server) renderMembers(w http.ResponseWriter, r *http.Request, a projects.Access, status int, failure error) {
	ms, err := s.Projects.Members(r.Context(), a)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := &page{Title: "Members of " + a.Project.Name, Data: viewOf(a, "members", ms), Form: r.PostForm}
	if failure != nil {
		p.Error, p.Field = s.message(r, failure)
	}
	s.render(w, r, status, "project_members", p)
}

func (s *Server) projectInvite(w http.ResponseWriter, r *http.Request) {
	a, ok := s.project(w, r, domain.EditProject)
	if !ok {
		return
	}
	err := parseForm(w, r)
	var m domain.Member
	if err == nil {
		m, err = s.Projects.Invite(r.Context(), a, r.PostForm.Get("username"))
	}
	if err != nil {
		s.renderMembers(w, r, a, statusOf(err), err)
		return
	}
	s.setFlash(w, fmt.Sprintf("%s joined the project as a %s.", m.User.Name, m.Role))
	redirect(w, r, fmt.Sprintf("/p/%d/members", a.Project.ID))
}

func (s *Server) projectLeave(w http.ResponseWriter, r *http.Request) {
	a, ok := s.project(w, r, domain.EditProject)
	if !ok {
		return
	}
	if err := s.Projects.Leave(r.Context(), a); err != nil {
		s.renderMembers(w, r, a, statusOf(err), err)
		return
	}
	s.setFlash(w, "You left "+a.Project.Name+".")
	redirect(w, r, "/")
}
