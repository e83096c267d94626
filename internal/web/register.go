package web

import (
	"net/http"
	"net/url"

	"github.com/acanban/acanban/internal/accounts"
	"github.com/acanban/acanban/internal/domain"
)

// registerPage is what the registration form needs besides the form values.
type registerPage struct {
	Mode domain.RegistrationMode
}

func (s *Server) registerPage() *page {
	return &page{Title: "Register", Data: registerPage{Mode: s.Registration}}
}

func (s *Server) registerForm(w http.ResponseWriter, r *http.Request) {
	p := s.registerPage()
	p.Form = url.Values{"token": {r.URL.Query().Get("token")}}
	s.render(w, r, http.StatusOK, "register", p)
}

func (s *Server) register(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.formError(w, r, "register", s.registerPage(), err)
		return
	}
	f := r.PostForm
	u, err := s.Accounts.Register(r.Context(), s.Registration, accounts.NewUser{
		Username: f.Get("username"), Password: f.Get("password"), Name: f.Get("name"),
		Email: f.Get("email"), Role: f.Get("role"), Department: f.Get("department"),
		StudentID: f.Get("student_id"), Token: f.Get("token"),
	})
	if err != nil {
		r.PostForm.Del("password")
		s.formError(w, r, "register", s.registerPage(), err)
		return
	}
	if err := s.startSession(w, r, u, false); err != nil {
		s.fail(w, r, err)
		return
	}
	s.setFlash(w, "Welcome to Acanban, "+u.Name+"!")
	redirect(w, r, "/")
}
