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
	// ToGrade, for a judge: what they still have to grade, by project.
	ToGrade map[int64][]domain.Criterion
	Judge   bool
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
	d := dashboardPage{Projects: ps, Total: total, CanCreate: domain.CanCreateProject(*u), Judge: u.Role == domain.RoleJudge}
	if d.Judge {
		d.ToGrade = map[int64][]domain.Criterion{}
		for _, p := range ps {
			if d.ToGrade[p.ID], err = s.Grading.ToGrade(r.Context(), *u, p.ID); err != nil {
				s.fail(w, r, err)
				return
			}
		}
	}
	s.render(w, r, http.StatusOK, "dashboard", &page{Title: "Dashboard", Data: d})
}
