package accounts_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/acanban/acanban/internal/accounts"
	"github.com/acanban/acanban/internal/auth"
	"github.com/acanban/acanban/internal/domain"
	"github.com/acanban/acanban/internal/store/sqlite"
)

func newService(t *testing.T) *accounts.Service {
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return &accounts.Service{Store: st, Hasher: auth.NewHasher(auth.Params{Memory: 64, Time: 1, Threads: 1}, 4)}
}

func newUser(name string) accounts.NewUser {
	return accounts.NewUser{Username: name, Password: "password", Name: "N " + name, Email: name + "@example.edu", Role: "student"}
}

// Of many simultaneous registrations, exactly one becomes the admin, and of
// those sharing a username exactly one succeeds.
func TestConcurrentRegistrations(t *testing.T) {
	s := newService(t)
	ctx := context.Background()
	const n = 16
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			u := newUser(fmt.Sprintf("u%d", i))
			if i%2 == 1 {
				u = newUser("same")
				u.Email = fmt.Sprintf("same%d@example.edu", i)
			}
			_, errs[i] = s.Register(ctx, domain.RegistrationOpen, u)
		})
	}
	wg.Wait()
	conflicts := 0
	for i, err := range errs {
		switch {
		case err == nil:
		case domain.KindOf(err) == domain.KindConflict && i%2 == 1:
			conflicts++
		default:
			t.Errorf("registration %d: %v", i, err)
		}
	}
	if conflicts != n/2-1 {
		t.Errorf("%d registrations of one username refused; want %d", conflicts, n/2-1)
	}
	admins := 0
	for i := range n / 2 {
		u, err := s.Store.UserByUsername(ctx, fmt.Sprintf("u%d", 2*i))
		if err != nil {
			t.Fatal(err)
		}
		if u.Admin {
			admins++
		}
	}
	same, _ := s.Store.UserByUsername(ctx, "same")
	if same.Admin {
		admins++
	}
	if admins != 1 {
		t.Errorf("%d admins after concurrent first registrations; want 1", admins)
	}
}

func TestCreateAnyRole(t *testing.T) {
	s := newService(t)
	ctx := context.Background()
	in := newUser("asst")
	in.Role = "assistant"
	in.Department = " ICT "
	u, err := s.Create(ctx, in)
	if err != nil || u.Role != domain.RoleAssistant || u.Department != "ICT" || !u.Admin {
		t.Fatalf("Create = %+v, %v; want the first account, an assistant of ICT and admin", u, err)
	}
	if _, err := s.Authenticate(ctx, "ASST", "password", "127.0.0.1"); err != nil {
		t.Errorf("Authenticate: %v", err)
	}
	for _, bad := range []func(*accounts.NewUser){
		func(u *accounts.NewUser) { u.Role = "dean" },
		func(u *accounts.NewUser) { u.Username = "a" },
		func(u *accounts.NewUser) { u.Username = "with space" },
		func(u *accounts.NewUser) { u.Email = "not-an-email" },
		func(u *accounts.NewUser) { u.Email = "Ada <ada@example.edu>" },
		func(u *accounts.NewUser) { u.Password = "short" },
		func(u *accounts.NewUser) { u.Name = "" },
		func(u *accounts.NewUser) { u.Name = "two\nlines" },
	} {
		in := newUser("other")
		bad(&in)
		if _, err := s.Create(ctx, in); domain.KindOf(err) != domain.KindInvalid {
			t.Errorf("Create(%+v) = %v; want an invalid-value error", in, err)
		}
	}
	if n, _ := s.Store.CountUsers(ctx); n != 1 {
		t.Errorf("%d users after refused creations; want 1", n)
	}
}

func TestInviteOnceUnderConcurrency(t *testing.T) {
	s := newService(t)
	ctx := context.Background()
	token, err := s.Invite(ctx, nil, "judge", "")
	if err != nil {
		t.Fatal(err)
	}
	const n = 8
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok := 0
	for i := range n {
		wg.Go(func() {
			u := newUser(fmt.Sprintf("j%d", i))
			u.Role, u.Token = "", token
			_, err := s.Register(ctx, domain.RegistrationInvite, u)
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				ok++
			} else if domain.KindOf(err) != domain.KindInvalid {
				t.Errorf("registration %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	if ok != 1 {
		t.Errorf("%d registrations used one invitation; want 1", ok)
	}
	if c, _ := s.Store.CountUsers(ctx); c != 1 {
		t.Errorf("%d users; the refused registrations left rows behind", c)
	}
}

func TestInvitePermissions(t *testing.T) {
	s := newService(t)
	ctx := context.Background()
	student := domain.User{ID: 1, Role: domain.RoleStudent}
	assistant := domain.User{ID: 2, Role: domain.RoleAssistant}
	admin := domain.User{ID: 3, Role: domain.RoleSupervisor, Admin: true}
	for _, c := range []struct {
		by   domain.User
		role string
		ok   bool
	}{
		{student, "student", false},
		{assistant, "judge", true},
		{assistant, "assistant", false},
		{admin, "assistant", true},
	} {
		_, err := s.Invite(ctx, &c.by, c.role, "")
		// The creators do not exist in this store, so an allowed invite
		// fails on the foreign key; a refused one never reaches the store.
		if refused := domain.KindOf(err) == domain.KindForbidden; refused == c.ok {
			t.Errorf("%s (admin %v) inviting a %s: %v", c.by.Role, c.by.Admin, c.role, err)
		}
	}
}

func TestLoginThrottle(t *testing.T) {
	s := newService(t)
	ctx := context.Background()
	if _, err := s.Create(ctx, newUser("ada")); err != nil {
		t.Fatal(err)
	}
	for i := range accounts.MaxLoginFailures {
		if _, err := s.Authenticate(ctx, "ada", "wrong", "10.0.0.1"); domain.KindOf(err) != domain.KindUnauthenticated {
			t.Fatalf("failure %d: %v; want wrong credentials", i+1, err)
		}
	}
	if _, err := s.Authenticate(ctx, "ada", "password", "10.0.0.1"); domain.KindOf(err) != domain.KindTooMany {
		t.Errorf("after %d failures the right password from that address gives %v; want too many attempts", accounts.MaxLoginFailures, err)
	}
	// The real user, from elsewhere, is not locked out.
	if _, err := s.Authenticate(ctx, "ada", "password", "10.0.0.2"); err != nil {
		t.Errorf("ada from another address: %v", err)
	}
	// The window passes.
	s.Now = func() time.Time { return time.Now().Add(accounts.LoginFailureWindow + time.Second) }
	if _, err := s.Authenticate(ctx, "ada", "password", "10.0.0.1"); err != nil {
		t.Errorf("after the window: %v", err)
	}
	// A success clears the count.
	for range accounts.MaxLoginFailures - 1 {
		s.Authenticate(ctx, "ada", "wrong", "10.0.0.1")
	}
	if _, err := s.Authenticate(ctx, "ada", "password", "10.0.0.1"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx, "ada", "wrong", "10.0.0.1"); domain.KindOf(err) != domain.KindUnauthenticated {
		t.Errorf("a success did not reset the count: %v", err)
	}
}

// Simultaneous guesses are all counted: of a burst of many wrong passwords
// sent at once from one address, at most MaxLoginFailures get a password
// check, and the right password is refused after it. (The right password
// is not sent within the burst: its success clears the count, so the
// guesses after it would rightly be checked again, and the test was flaky.)
func TestLoginThrottleBurst(t *testing.T) {
	s := newService(t)
	ctx := context.Background()
	if _, err := s.Create(ctx, newUser("ada")); err != nil {
		t.Fatal(err)
	}
	const n = 60
	var wg sync.WaitGroup
	var mu sync.Mutex
	checked := 0
	for range n {
		wg.Go(func() {
			_, err := s.Authenticate(ctx, "ada", "wrong", "10.0.0.9")
			mu.Lock()
			defer mu.Unlock()
			switch domain.KindOf(err) {
			case domain.KindTooMany:
			case domain.KindUnauthenticated:
				checked++
			default:
				t.Errorf("a wrong password: %v; want refused", err)
				checked++
			}
		})
	}
	wg.Wait()
	if checked > accounts.MaxLoginFailures {
		t.Errorf("%d of %d simultaneous attempts had their password checked; want at most %d", checked, n, accounts.MaxLoginFailures)
	}
	if _, err := s.Authenticate(ctx, "ada", "password", "10.0.0.9"); domain.KindOf(err) != domain.KindTooMany {
		t.Errorf("the right password after the burst: %v; want too many attempts", err)
	}
}
