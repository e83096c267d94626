package web

import "net/http"

// home is the landing page for guests and the dashboard for users.
func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	u := viewer(r)
	if u == nil {
		s.render(w, r, http.StatusOK, "landing", &page{Title: "Acanban — the academic Kanban"})
		return
	}
	s.render(w, r, http.StatusOK, "dashboard", &page{Title: "Dashboard"})
}
