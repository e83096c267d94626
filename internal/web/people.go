package web

import (
	"net/http"

	"github.com/acanban/acanban/internal/domain"
	"github.com/acanban/acanban/internal/projects"
)

// peoplePage is the search for students and supervisors.
type peoplePage struct {
	Query, Role string
	People      []domain.User
	Pager       pager
}

func (s *Server) people(w http.ResponseWriter, r *http.Request) {
	if s.requireUser(w, r) == nil {
		return
	}
	q, role := r.URL.Query().Get("q"), r.URL.Query().Get("role")
	pn := pageNumber(r)
	us, total, err := s.Projects.People(r.Context(), q, role, pn)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "people", &page{Title: "People", Data: peoplePage{
		Query: q, Role: role, People: us, Pager: newPager(r, pn, total, projects.PageSize),
	}})
}
