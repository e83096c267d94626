package accounts_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/acanban/acanban/internal/auth"
	"github.com/acanban/acanban/internal/domain"
)

// An operator resets a forgotten password: the new one works, the old one
// not, and the account is logged out everywhere.
func TestResetPassword(t *testing.T) {
	s := newService(t)
	ctx := context.Background()
	u, err := s.Create(ctx, newUser("forgetful"))
	if err != nil {
		t.Fatal(err)
	}
	sessions := &auth.Sessions{Store: s.Store, Lifetime: time.Hour, RememberLifetime: time.Hour}
	token, _, err := sessions.Start(ctx, s.Store, u.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	got, password, err := s.ResetPassword(ctx, "Forgetful")
	if err != nil || got.ID != u.ID || len(password) < 20 {
		t.Fatalf("ResetPassword = %+v, %q, %v", got, password, err)
	}
	if _, err := s.Authenticate(ctx, "forgetful", password, "10.0.0.1"); err != nil {
		t.Errorf("log in with the new password: %v", err)
	}
	if _, err := s.Authenticate(ctx, "forgetful", "password", "10.0.0.1"); err == nil {
		t.Error("the old password still works")
	}
	if _, _, _, err := sessions.Lookup(ctx, token); err == nil {
		t.Error("the session begun before the reset is still valid")
	}
	if _, _, err := s.ResetPassword(ctx, "nobody"); domain.KindOf(err) != domain.KindNotFound {
		t.Errorf("reset of an unknown account: %v; want not found", err)
	}
}

// A disabled account cannot log in, and its sessions end; enabled again,
// it can. Nobody disables their own account.
func TestDisableAccount(t *testing.T) {
	s := newService(t)
	ctx := context.Background()
	root, err := s.Create(ctx, newUser("root"))
	if err != nil {
		t.Fatal(err)
	}
	u, err := s.Create(ctx, newUser("leaver"))
	if err != nil {
		t.Fatal(err)
	}
	sessions := &auth.Sessions{Store: s.Store, Lifetime: time.Hour, RememberLifetime: time.Hour}
	token, _, err := sessions.Start(ctx, s.Store, u.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.SetDisabled(ctx, root, "leaver", true); err != nil || !got.Disabled {
		t.Fatalf("disable: %+v, %v", got, err)
	}
	if _, _, _, err := sessions.Lookup(ctx, token); err == nil {
		t.Error("the session of a disabled account is still valid")
	}
	if _, err := s.Authenticate(ctx, "leaver", "password", "10.0.0.1"); domain.KindOf(err) != domain.KindForbidden {
		t.Errorf("log in to a disabled account: %v; want forbidden", err)
	}
	if _, err := s.Authenticate(ctx, "leaver", "wrong", "10.0.0.2"); domain.KindOf(err) != domain.KindUnauthenticated {
		t.Errorf("a wrong password for a disabled account: %v; want the usual refusal (no hint)", err)
	}
	if _, err := s.SetDisabled(ctx, root, "leaver", false); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx, "leaver", "password", "10.0.0.3"); err != nil {
		t.Errorf("log in after enabling: %v", err)
	}
	if _, err := s.SetDisabled(ctx, root, "root", true); domain.KindOf(err) != domain.KindForbidden {
		t.Errorf("disable one's own account: %v; want forbidden", err)
	}
	// Enabling ends the sessions too: one begun in the moment before the
	// disabling does not come back with the account.
	late, _, err := sessions.Start(ctx, s.Store, u.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetDisabled(ctx, root, "leaver", false); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := sessions.Lookup(ctx, late); err == nil {
		t.Error("a session begun before the enabling is valid")
	}
	// Only an admin still enabled may do it.
	if _, err := s.SetDisabled(ctx, u, "root", true); domain.KindOf(err) != domain.KindForbidden {
		t.Errorf("a non-admin disables an admin: %v; want forbidden", err)
	}
	if u, err := s.User(ctx, "root"); err != nil || u.Disabled {
		t.Errorf("root after a refused disabling: %+v, %v", u, err)
	}
	if _, err := s.SetDisabled(ctx, root, "nobody", true); domain.KindOf(err) != domain.KindNotFound {
		t.Errorf("disable an unknown account: %v; want not found", err)
	}
}

// An invitation made by an account that is now disabled lets nobody in.
func TestInviteOfADisabledAccount(t *testing.T) {
	s := newService(t)
	ctx := context.Background()
	root, err := s.Create(ctx, newUser("root"))
	if err != nil {
		t.Fatal(err)
	}
	asst := newUser("asst")
	asst.Role = "assistant"
	maker, err := s.Create(ctx, asst)
	if err != nil {
		t.Fatal(err)
	}
	token, err := s.Invite(ctx, &maker, "judge", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetDisabled(ctx, root, "asst", true); err != nil {
		t.Fatal(err)
	}
	in := newUser("judy")
	in.Token = token
	if _, err := s.Register(ctx, domain.RegistrationInvite, in); domain.KindOf(err) != domain.KindInvalid || !strings.Contains(err.Error(), "disabled") {
		t.Errorf("register with the invitation of a disabled account: %v; want refused", err)
	}
	if _, err := s.SetDisabled(ctx, root, "asst", false); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Register(ctx, domain.RegistrationInvite, in); err != nil {
		t.Errorf("register once its maker is enabled again: %v", err)
	}
}
