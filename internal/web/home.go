package web

import (
	"net/http"

	"github.com/acanban/acanban/internal/domain"
)

// dashboardPage lists the viewer's projects with their progress.
type dashboardPage struct {
	Projects  []domain.ProjectSummary
	Total     int
	CanCreate bool
}

// home is the landing page for guests and the dashboard for users.
func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	u := viewer(r)
	if u == nil {
		s.render(w, r, http.StatusOK, "landing", &page{Title: "Acanban — the academic Kanban"})
		return
	}
	ps, total, err := s.Projects.List(r.Context(), *u, "", 1)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "dashboard", &page{Title: "Dashboard", Data: dashboardPage{
		Projects: ps, Total: total, CanCreate: domain.CanCreateProject(*u),
	}})
}
