package web

import (
	"net/http"

	"github.com/acanban/acanban/internal/domain"
)

// profilePage is a user's public page.
type profilePage struct {
	User domain.User
	// Own: the viewer is this user.
	Own bool
	// ShowEmail, ShowStudentID, ShowDisabled: what the viewer may see
	// (whether an account is disabled: admins only, so that a guesser
	// cannot tell).
	ShowEmail, ShowStudentID, ShowDisabled bool
	// Projects of the user that the viewer may see.
	Projects []domain.ProjectSummary
}

// userByPath loads the user named in the path, or fails with 404.
func (s *Server) userByPath(r *http.Request) (domain.User, error) {
	return s.Accounts.User(r.Context(), r.PathValue("username"))
}

func (s *Server) profile(w http.ResponseWriter, r *http.Request) {
	u, err := s.userByPath(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := viewer(r)
	own := v != nil && domain.CanEditProfile(*v, u)
	data := profilePage{
		User: u, Own: own,
		ShowEmail:     v != nil,
		ShowStudentID: own || v != nil && (v.Admin || v.Role == domain.RoleAssistant),
		ShowDisabled:  v != nil && domain.CanManageAccounts(*v),
	}
	if v != nil {
		if data.Projects, err = s.Projects.MemberOf(r.Context(), *v, u.ID); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.render(w, r, http.StatusOK, "profile", &page{Title: u.Name, Data: data})
}

// ownProfile loads the user of the path for editing: 401 for guests, 404
// for unknown users, 403 for someone else's profile.
func (s *Server) ownProfile(w http.ResponseWriter, r *http.Request) (*domain.User, bool) {
	v := s.requireUser(w, r)
	if v == nil {
		return nil, false
	}
	u, err := s.userByPath(r)
	if err == nil && !domain.CanEditProfile(*v, u) {
		err = domain.Forbidden("You can only edit your own profile.")
	}
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	return v, true
}

func profileForm(u domain.User) map[string][]string {
	p := domain.ProfileOf(u)
	return map[string][]string{
		"name": {p.Name}, "email": {p.Email}, "department": {p.Department},
		"student_id": {p.StudentID}, "bio": {p.Bio},
	}
}

func (s *Server) profileEditForm(w http.ResponseWriter, r *http.Request) {
	u, ok := s.ownProfile(w, r)
	if !ok {
		return
	}
	s.render(w, r, http.StatusOK, "profile_edit", &page{Title: "Edit profile", Form: profileForm(*u)})
}

func (s *Server) profileEdit(w http.ResponseWriter, r *http.Request) {
	u, ok := s.ownProfile(w, r)
	if !ok {
		return
	}
	p := &page{Title: "Edit profile"}
	if err := parseForm(w, r); err != nil {
		s.formError(w, r, "profile_edit", p, err)
		return
	}
	f := r.PostForm
	err := s.Accounts.UpdateProfile(r.Context(), *u, domain.Profile{
		Name: f.Get("name"), Email: f.Get("email"), Department: f.Get("department"),
		StudentID: f.Get("student_id"), Bio: f.Get("bio"),
	})
	if err != nil {
		s.formError(w, r, "profile_edit", p, err)
		return
	}
	s.setFlash(w, "Your profile is saved.")
	redirect(w, r, "/u/"+u.Username)
}
