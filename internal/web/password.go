package web

import (
	"net/http"

	"github.com/acanban/acanban/internal/domain"
)

func (s *Server) passwordForm(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.ownProfile(w, r); !ok {
		return
	}
	s.render(w, r, http.StatusOK, "password", &page{Title: "Change password"})
}

func (s *Server) passwordChange(w http.ResponseWriter, r *http.Request) {
	u, ok := s.ownProfile(w, r)
	if !ok {
		return
	}
	p := &page{Title: "Change password"}
	err := parseForm(w, r)
	f := r.PostForm
	if err == nil && f.Has("confirm_password") && f.Get("confirm_password") != f.Get("new_password") {
		err = domain.Invalid("confirm_password", "The two new passwords differ.")
	}
	if err == nil {
		sess, _ := r.Context().Value(sessionKey).(domain.Session)
		err = s.Accounts.ChangePassword(r.Context(), *u, f.Get("current_password"), f.Get("new_password"), sess.ID)
	}
	if err != nil {
		r.PostForm = nil // never echo passwords
		s.formError(w, r, "password", p, err)
		return
	}
	s.setFlash(w, "Your password is changed; your other sessions are logged out.")
	redirect(w, r, "/u/"+u.Username)
}
