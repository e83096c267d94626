package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/acanban/acanban/internal/accounts"
	"github.com/acanban/acanban/internal/domain"
)

// accountsPage is where admins create accounts, one by one or from a CSV
// file.
type accountsPage struct {
	Roles    []domain.Role
	Columns  string
	Max      int
	Imported []accounts.Imported // the accounts just imported
	Reset    *passwordReset      // the password just reset
}

// passwordReset is a password an admin just gave an account, shown once.
type passwordReset struct {
	User     domain.User
	Password string
}

func newAccountsPage() accountsPage {
	return accountsPage{Roles: domain.Roles, Columns: strings.Join(accounts.ImportColumns, ", "), Max: accounts.MaxImport}
}

// requireAdmin returns the viewer if they may manage accounts, after
// answering 401 or 403 otherwise.
func (s *Server) requireAdmin(w http.ResponseWriter, r *http.Request) *domain.User {
	v := s.requireUser(w, r)
	if v != nil && !domain.CanManageAccounts(*v) {
		s.fail(w, r, domain.Forbidden("Accounts are managed by administrators."))
		return nil
	}
	return v
}

func (s *Server) accountsForm(w http.ResponseWriter, r *http.Request) {
	if s.requireAdmin(w, r) == nil {
		return
	}
	s.render(w, r, http.StatusOK, "accounts", &page{Title: "Accounts", Data: newAccountsPage(),
		Form: url.Values{"role": {string(domain.RoleStudent)}}})
}

func (s *Server) accountCreate(w http.ResponseWriter, r *http.Request) {
	if s.requireAdmin(w, r) == nil {
		return
	}
	p := &page{Title: "Accounts", Data: newAccountsPage()}
	err := parseForm(w, r)
	var u domain.User
	if err == nil {
		f := r.PostForm
		u, err = s.Accounts.Create(r.Context(), accounts.NewUser{
			Username: f.Get("username"), Password: f.Get("password"), Name: f.Get("name"), Email: f.Get("email"),
			Role: f.Get("role"), Department: f.Get("department"), StudentID: f.Get("student_id"), Admin: f.Get("admin") != "",
		})
	}
	if err != nil {
		s.formError(w, r, "accounts", p, err)
		return
	}
	admin := ""
	if u.Admin {
		admin = ", administrator"
	}
	s.setFlash(w, fmt.Sprintf("Account @%s (%s%s) created.", u.Username, u.Role.Title(), admin))
	redirect(w, r, "/accounts") // an empty form for the next one
}

func (s *Server) accountsImport(w http.ResponseWriter, r *http.Request) {
	if s.requireAdmin(w, r) == nil {
		return
	}
	p := &page{Title: "Accounts", Data: newAccountsPage(), Form: url.Values{"role": {string(domain.RoleStudent)}}}
	err := parseForm(w, r)
	var imported []accounts.Imported
	if err == nil {
		f, _, ferr := r.FormFile("file")
		if ferr != nil {
			err = domain.Invalid("csv", "Choose a CSV file to import.")
		} else {
			defer f.Close()
			var rows []accounts.ImportRow
			if rows, err = accounts.ParseCSV(f); err == nil {
				imported, err = s.Accounts.Import(r.Context(), rows)
			}
		}
	}
	if err != nil {
		s.formError(w, r, "accounts", p, err)
		return
	}
	data := newAccountsPage()
	data.Imported = imported
	p.Data = data
	s.render(w, r, http.StatusCreated, "accounts", p)
}

// accountDisable disables or enables an account (field action: "disable"
// or "enable").
func (s *Server) accountDisable(w http.ResponseWriter, r *http.Request) {
	v := s.requireAdmin(w, r)
	if v == nil {
		return
	}
	p := &page{Title: "Accounts", Data: newAccountsPage()}
	err := parseForm(w, r)
	var u domain.User
	if err == nil {
		action := r.PostForm.Get("action")
		switch {
		case action != "disable" && action != "enable":
			err = domain.Invalid("action", "Choose to disable or enable the account.")
		case strings.TrimSpace(r.PostForm.Get("disable_username")) == "":
			err = domain.Invalid("disable_username", "Enter the username of the account.")
		default:
			u, err = s.Accounts.SetDisabled(r.Context(), *v, r.PostForm.Get("disable_username"), action == "disable")
		}
	}
	if err != nil {
		s.formError(w, r, "accounts", p, err)
		return
	}
	if u.Disabled {
		s.setFlash(w, fmt.Sprintf("Account @%s is disabled: it cannot log in, and its sessions have ended.", u.Username))
	} else {
		s.setFlash(w, fmt.Sprintf("Account @%s is enabled: it can log in again.", u.Username))
	}
	redirect(w, r, "/accounts")
}

func (s *Server) accountPasswordReset(w http.ResponseWriter, r *http.Request) {
	if s.requireAdmin(w, r) == nil {
		return
	}
	p := &page{Title: "Accounts", Data: newAccountsPage(), Form: url.Values{"role": {string(domain.RoleStudent)}}}
	err := parseForm(w, r)
	var u domain.User
	var password string
	if err == nil {
		if strings.TrimSpace(r.PostForm.Get("reset_username")) == "" {
			err = domain.Invalid("reset_username", "Enter the username of the account.")
		} else {
			u, password, err = s.Accounts.ResetPassword(r.Context(), r.PostForm.Get("reset_username"))
		}
	}
	if err != nil {
		s.formError(w, r, "accounts", p, err)
		return
	}
	data := newAccountsPage()
	data.Reset = &passwordReset{User: u, Password: password}
	p.Data = data
	s.render(w, r, http.StatusOK, "accounts", p)
}
