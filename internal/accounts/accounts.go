// Package accounts registers users, checks their passwords, edits profiles
// and makes invitations. The web handlers and the command line both go
// through it, so the rules hold whichever door a request comes in by.
package accounts

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/acanban/acanban/internal/auth"
	"github.com/acanban/acanban/internal/domain"
	"github.com/acanban/acanban/internal/store"
)

// Service holds what account operations need.
type Service struct {
	Store  store.Store
	Hasher *auth.Hasher
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

func (s *Service) now() time.Time { return domain.Clock(s.Now).Now() }

// NewUser is an account to create, as typed in a form or on the command line.
type NewUser struct {
	Username   string
	Password   string
	Name       string
	Email      string
	Role       string // empty means student
	Department string
	StudentID  string
	Token      string // invitation token, if any
	Admin      bool   // only honoured by Create
}

// checked is a NewUser that passed validation.
type checked struct {
	user     domain.User
	password string
	inviteID string
}

// Validate checks in without touching the store: what Create would refuse
// before writing anything.
func (in NewUser) Validate() error {
	_, err := check(in)
	return err
}

func check(in NewUser) (checked, error) {
	username := domain.NormalizeUsername(in.Username)
	if err := domain.ValidateUsername(username); err != nil {
		return checked{}, err
	}
	if err := domain.ValidatePassword("password", in.Password); err != nil {
		return checked{}, err
	}
	p := domain.Profile{Name: in.Name, Email: in.Email, Department: in.Department, StudentID: in.StudentID}
	p.Normalize()
	if err := p.Validate(); err != nil {
		return checked{}, err
	}
	role := domain.RoleStudent
	if in.Role != "" {
		var err error
		if role, err = domain.ParseRole(in.Role); err != nil {
			return checked{}, err
		}
	}
	u := domain.User{Username: username, Role: role, Admin: in.Admin}
	p.Apply(&u)
	return checked{user: u, password: in.Password}, nil
}

var errBadInvite = domain.Invalid("token", "This invitation token is unknown, already used or expired.")

// Register creates an account through the public form, under the rules of
// mode, and returns it. The first account ever created is an admin.
func (s *Service) Register(ctx context.Context, mode domain.RegistrationMode, in NewUser) (domain.User, error) {
	in.Admin = false
	switch {
	case mode == domain.RegistrationClosed:
		return domain.User{}, domain.Forbidden("Registration is closed: ask an administrator to create your account.")
	case mode == domain.RegistrationInvite && in.Token == "":
		return domain.User{}, domain.Forbidden("Registration needs an invitation: enter the token you were given.")
	}
	c, err := check(in)
	if err != nil {
		return domain.User{}, err
	}
	if in.Token != "" {
		inv, err := s.Store.Invite(ctx, auth.TokenID(in.Token))
		if errors.Is(err, store.ErrNotFound) || err == nil && (!inv.Used.IsZero() || !inv.Expires.After(s.now())) {
			return domain.User{}, errBadInvite
		}
		if err != nil {
			return domain.User{}, err
		}
		if inv.CreatedBy != 0 {
			// An invitation goes with its maker: one who left (disabled)
			// no longer lets people in.
			if by, err := s.Store.UserByID(ctx, inv.CreatedBy); err == nil && by.Disabled {
				return domain.User{}, domain.Invalid("token", "This invitation was made by an account that is now disabled: ask for another.")
			}
		}
		// The invitation decides the role, whatever the form's role list
		// says: that is what it was made for.
		c.user.Role = inv.Role
		if inv.Department != "" {
			c.user.Department = inv.Department // the inviter decides
		}
		c.inviteID = inv.ID
	} else if !c.user.Role.SelfRegistering() {
		return domain.User{}, domain.Invalid("role", "Judge and assistant accounts are created by invitation only: register as a student or supervisor, or use your invitation token.")
	}
	return s.create(ctx, c)
}

// Create makes an account on an operator's word (command line or admin):
// any role, optionally an admin, whatever the registration mode.
func (s *Service) Create(ctx context.Context, in NewUser) (domain.User, error) {
	in.Token = ""
	c, err := check(in)
	if err != nil {
		return domain.User{}, err
	}
	return s.create(ctx, c)
}

func (s *Service) create(ctx context.Context, c checked) (domain.User, error) {
	hash, err := s.Hasher.Hash(ctx, c.password)
	if err != nil {
		return domain.User{}, fmt.Errorf("hash password: %w", err)
	}
	u := c.user
	u.PasswordHash = hash
	u.Created = s.now()
	u.Updated = u.Created
	err = s.Store.Atomic(ctx, func(q store.Queries) error {
		if err := q.Lock(ctx, "first-user"); err != nil { // one first account, one admin
			return err
		}
		n, err := q.CountUsers(ctx)
		if err != nil {
			return err
		}
		if n == 0 {
			u.Admin = true
		}
		if u, err = q.CreateUser(ctx, u); err != nil {
			return conflict(err)
		}
		if c.inviteID != "" {
			if err := q.UseInvite(ctx, c.inviteID, u.ID, u.Created); errors.Is(err, store.ErrNotFound) {
				return errBadInvite
			} else if err != nil {
				return err
			}
		}
		return nil
	})
	return u, err
}

// conflict turns a store conflict into a message for the user.
func conflict(err error) error {
	var ce *store.ConflictError
	if !errors.As(err, &ce) {
		return err
	}
	switch ce.Field {
	case "username":
		return domain.Conflict("username", "This username is taken: choose another.")
	case "email":
		return domain.Conflict("email", "An account with this email address already exists.")
	}
	return domain.Conflict(ce.Field, "This %s is already in use.", ce.Field)
}

var errCredentials = domain.Unauthenticated("Wrong username or password.")

// Login throttling. Each attempt is recorded before the password is checked
// (so a burst of simultaneous guesses is counted in full) and cleared by a
// success. An address may fail MaxLoginFailures times per username within
// LoginFailureWindow; a username may fail MaxUsernameFailures times from
// all addresses together, so that one attacker cannot lock a user out and
// many cannot guess without bound. The counts live in the store, so every
// instance of the server applies the same limits.
const (
	MaxLoginFailures    = 10
	MaxUsernameFailures = 100
	LoginFailureWindow  = 15 * time.Minute
)

// Authenticate returns the user whose username and password these are;
// client is the address the attempt comes from. Unknown user and wrong
// password give the same error, after the same work.
func (s *Service) Authenticate(ctx context.Context, username, password, client string) (domain.User, error) {
	username = domain.NormalizeUsername(username)
	if username == "" || password == "" {
		return domain.User{}, domain.Unauthenticated("Enter your username and password.")
	}
	if len(password) > domain.MaxPassword || len(username) > domain.MaxUsername {
		return domain.User{}, errCredentials
	}
	now := s.now()
	keys := []struct {
		key string
		max int
	}{{"u:" + username + " a:" + client, MaxLoginFailures}, {"u:" + username, MaxUsernameFailures}}
	for _, k := range keys {
		if err := s.Store.RecordLoginFailure(ctx, k.key, now); err != nil {
			return domain.User{}, err
		}
	}
	for _, k := range keys {
		n, err := s.Store.CountLoginFailures(ctx, k.key, now.Add(-LoginFailureWindow))
		if err != nil {
			return domain.User{}, err
		}
		if n > k.max {
			return domain.User{}, domain.TooMany("Too many failed logins for %s: wait %d minutes and try again.", username, int(LoginFailureWindow.Minutes()))
		}
	}
	u, err := s.Store.UserByUsername(ctx, username)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return domain.User{}, err
	}
	ok, verr := s.Hasher.Verify(ctx, u.PasswordHash, password)
	if err == nil && verr != nil {
		return domain.User{}, fmt.Errorf("verify password of %s: %w", username, verr)
	}
	if err != nil || !ok {
		return domain.User{}, errCredentials
	}
	if u.Disabled { // said only to who knows the password
		return domain.User{}, domain.Forbidden("This account is disabled: ask an administrator.")
	}
	for _, k := range keys {
		if err := s.Store.ClearLoginFailures(ctx, k.key); err != nil {
			return domain.User{}, err
		}
	}
	return u, nil
}

// UpdateProfile writes p as the profile of u. An assistant's department
// decides which projects they oversee, so it is not theirs to change.
func (s *Service) UpdateProfile(ctx context.Context, u domain.User, p domain.Profile) error {
	p.Normalize()
	if u.Role == domain.RoleAssistant && p.Department != u.Department {
		return domain.Forbidden("An assistant's department is set by an administrator; ask one to change it.")
	}
	if err := p.Validate(); err != nil {
		return err
	}
	return conflict(s.Store.UpdateProfile(ctx, u.ID, p, s.now()))
}

// User returns the user called username (as typed in a path).
func (s *Service) User(ctx context.Context, username string) (domain.User, error) {
	u, err := s.Store.UserByUsername(ctx, domain.NormalizeUsername(username))
	if errors.Is(err, store.ErrNotFound) {
		return u, domain.NotFound("There is no user %q.", username)
	}
	return u, err
}

// ChangePassword replaces u's password after checking the current one, and
// ends every other session of u (keep is the session to keep).
func (s *Service) ChangePassword(ctx context.Context, u domain.User, current, next, keep string) error {
	ok, err := s.Hasher.Verify(ctx, u.PasswordHash, current)
	if err != nil {
		return err
	}
	if !ok {
		return domain.Invalid("current_password", "The current password is wrong.")
	}
	if err := domain.ValidatePassword("new_password", next); err != nil {
		return err
	}
	hash, err := s.Hasher.Hash(ctx, next)
	if err != nil {
		return err
	}
	return s.Store.Atomic(ctx, func(q store.Queries) error {
		if err := q.SetPasswordHash(ctx, u.ID, hash, s.now()); err != nil {
			return err
		}
		return q.DeleteUserSessions(ctx, u.ID, keep)
	})
}

// ResetPassword gives the account username a new, generated password on
// an operator's word (an admin, or the command line for an admin who lost
// theirs), ends all its sessions, and returns the password, to be handed
// to its owner, who can change it on their profile.
func (s *Service) ResetPassword(ctx context.Context, username string) (domain.User, string, error) {
	u, err := s.User(ctx, username)
	if err != nil {
		return domain.User{}, "", err
	}
	password := auth.NewToken()
	hash, err := s.Hasher.Hash(ctx, password)
	if err != nil {
		return domain.User{}, "", err
	}
	err = s.Store.Atomic(ctx, func(q store.Queries) error {
		if err := q.SetPasswordHash(ctx, u.ID, hash, s.now()); err != nil {
			return err
		}
		return q.DeleteUserSessions(ctx, u.ID, "")
	})
	if err != nil {
		return domain.User{}, "", err
	}
	return u, password, nil
}

// SetDisabled disables the account username (it cannot log in, and its
// sessions end) or enables it again, on the word of by, an admin (or, when
// by is the zero User, of the command line). Nobody disables their own
// account: an admin would lock themselves out.
func (s *Service) SetDisabled(ctx context.Context, by domain.User, username string, disabled bool) (domain.User, error) {
	u, err := s.User(ctx, username)
	if err != nil {
		return domain.User{}, err
	}
	if disabled && u.ID == by.ID {
		return domain.User{}, domain.Forbidden("You cannot disable your own account.")
	}
	err = s.Store.Atomic(ctx, func(q store.Queries) error {
		// One change of this kind at a time, by an admin still enabled:
		// two admins disabling each other at once leave one of them.
		if err := q.Lock(ctx, "account-disabling"); err != nil {
			return err
		}
		if by.ID != 0 {
			if actor, err := q.UserByID(ctx, by.ID); err != nil || actor.Disabled || !actor.Admin {
				if err != nil {
					return err
				}
				return domain.Forbidden("Your account may no longer manage accounts.")
			}
		}
		if err := q.SetDisabled(ctx, u.ID, disabled, s.now()); err != nil {
			return err
		}
		// Also on enabling: a login that passed just before the disabling
		// must not come back with the account.
		return q.DeleteUserSessions(ctx, u.ID, "")
	})
	u.Disabled = disabled
	return u, err
}

// InviteLifetime is how long an invitation stays usable.
const InviteLifetime = 30 * 24 * time.Hour

// ValidateInvite checks an invitation's role and department without
// touching the store: what Invite would refuse before writing anything.
func ValidateInvite(role, department string) error {
	if _, err := domain.ParseRole(role); err != nil {
		return err
	}
	return domain.ValidateLine("department", strings.TrimSpace(department), domain.MaxDepartment)
}

// Invite makes a one-use invitation to register with role and department
// and returns its token, which is shown once and stored only as a hash.
// by is the user making it, or nil for the command line.
func (s *Service) Invite(ctx context.Context, by *domain.User, role, department string) (string, error) {
	if err := ValidateInvite(role, department); err != nil {
		return "", err
	}
	r, _ := domain.ParseRole(role)
	inv := domain.Invite{Role: r, Department: strings.TrimSpace(department), Created: s.now()}
	inv.Expires = inv.Created.Add(InviteLifetime)
	if by != nil {
		if !domain.CanInvite(*by, r) {
			return "", domain.Forbidden("You may not invite a %s.", r)
		}
		inv.CreatedBy = by.ID
	}
	token := auth.NewToken()
	inv.ID = auth.TokenID(token)
	if err := s.Store.CreateInvite(ctx, inv); err != nil {
		return "", err
	}
	return token, nil
}
