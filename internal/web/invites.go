package web

import (
	"net/http"
	"net/url"

	"github.com/acanban/acanban/internal/domain"
)

// invitesPage is where admins and assistants make invitations.
type invitesPage struct {
	Roles []domain.Role // the roles the viewer may invite
	Token string        // the invitation just made, shown once
	Link  string
}

// invitable lists the roles u may invite, or nil.
func invitable(u domain.User) []domain.Role {
	var out []domain.Role
	for _, r := range domain.Roles {
		if domain.CanInvite(u, r) {
			out = append(out, r)
		}
	}
	return out
}

func (s *Server) invitesForm(w http.ResponseWriter, r *http.Request) {
	v := s.requireUser(w, r)
	if v == nil {
		return
	}
	roles := invitable(*v)
	if len(roles) == 0 {
		s.fail(w, r, domain.Forbidden("Invitations are made by administrators and academic assistants."))
		return
	}
	s.render(w, r, http.StatusOK, "invites", &page{Title: "Invitations", Data: invitesPage{Roles: roles},
		Form: url.Values{"department": {v.Department}}})
}

func (s *Server) invitesCreate(w http.ResponseWriter, r *http.Request) {
	v := s.requireUser(w, r)
	if v == nil {
		return
	}
	roles := invitable(*v)
	if len(roles) == 0 {
		s.fail(w, r, domain.Forbidden("Invitations are made by administrators and academic assistants."))
		return
	}
	p := &page{Title: "Invitations", Data: invitesPage{Roles: roles}}
	err := parseForm(w, r)
	var token string
	if err == nil {
		token, err = s.Accounts.Invite(r.Context(), v, r.PostForm.Get("role"), r.PostForm.Get("department"))
	}
	if err != nil {
		s.formError(w, r, "invites", p, err)
		return
	}
	// The token is shown once, on this answer: it is stored only as a hash.
	p.Data = invitesPage{Roles: roles, Token: token, Link: "/register?token=" + url.QueryEscape(token)}
	p.Form = r.PostForm
	s.render(w, r, http.StatusCreated, "invites", p)
}
