package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/acanban/acanban/internal/domain"
	"github.com/acanban/acanban/internal/projects"
)

// projectAccess is a viewer's access to a project.
type projectAccess = projects.Access

// projectView is what every project tab shows around its content.
type projectView struct {
	Project domain.Project
	Tab     string
	// What the viewer may do, for the links and forms shown.
	CanEdit, CanWrite bool
	Standing          domain.Standing
	Data              any
}

func viewOf(a projects.Access, tab string, data any) projectView {
	return projectView{Project: a.Project, Tab: tab, CanEdit: a.Can(domain.EditProject), CanWrite: a.Can(domain.WriteTask),
		Standing: a.Standing, Data: data}
}

// project opens the project of the path for the viewer and checks act. On
// failure it answers and returns false.
func (s *Server) project(w http.ResponseWriter, r *http.Request, act domain.Action) (projects.Access, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		if viewer(r) == nil {
			s.fail(w, r, domain.Unauthenticated("Log in to see this project."))
		} else {
			s.fail(w, r, domain.NotFound("There is no project %q.", r.PathValue("id")))
		}
		return projects.Access{}, false
	}
	a, err := s.Projects.Open(r.Context(), viewer(r), id)
	if err == nil {
		err = a.Require(act)
	}
	if err != nil {
		s.fail(w, r, err)
		return a, false
	}
	return a, true
}

// deadlineField reads an optional deadline field of a posted form: nil
// when the form has no such field.
func (s *Server) deadlineField(r *http.Request, field string) (*time.Time, error) {
	if !r.PostForm.Has(field) {
		return nil, nil
	}
	t, err := domain.ParseDeadline(field, r.PostForm.Get(field), s.Location)
	return &t, err
}

// optional returns a pointer to the form value, or nil when absent.
func optional(r *http.Request, field string) *string {
	if !r.PostForm.Has(field) {
		return nil
	}
	v := r.PostForm.Get(field)
	return &v
}

// version reads the optional version field of an edit form (0: none).
func version(r *http.Request) int {
	v, _ := strconv.Atoi(r.PostForm.Get("version"))
	return v
}

// page returns the ?page= number, from 1.
func pageNumber(r *http.Request) int {
	n, err := strconv.Atoi(r.URL.Query().Get("page"))
	if err != nil || n < 1 {
		return 1
	}
	return min(n, 1_000_000) // past any list, and no overflow of the offset

}

// pager is the navigation of a paginated list.
type pager struct {
	Page, Pages, Total int
	Prev, Next         string
}

func newPager(r *http.Request, page, total, size int) pager {
	p := pager{Page: page, Total: total, Pages: (total + size - 1) / size}
	q := r.URL.Query()
	link := func(n int) string {
		q.Set("page", strconv.Itoa(n))
		return r.URL.Path + "?" + q.Encode()
	}
	if page > 1 {
		p.Prev = link(page - 1)
	}
	if page < p.Pages {
		p.Next = link(page + 1)
	}
	return p
}
