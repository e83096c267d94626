// Package storetest is the conformance suite every store.Store backend must
// pass unchanged. A backend's test calls Run with a function that opens a
// fresh, empty store.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/acanban/acanban/internal/domain"
	"github.com/acanban/acanban/internal/store"
)

// Opener returns a fresh, empty store; the suite closes it.
type Opener func(t *testing.T) store.Store

// Run runs the whole suite.
func Run(t *testing.T, open Opener) {
	tests := []suiteTest{
		{"Users", testUsers},
		{"UserConflicts", testUserConflicts},
		{"UpdateProfile", testUpdateProfile},
		{"Sessions", testSessions},
		{"SessionsNeedUser", testSessionsNeedUser},
		{"DisabledUsers", testDisabledUsers},
		{"Invites", testInvites},
		{"InviteUsedOnceConcurrently", testInviteConcurrent},
		{"AtomicRollsBack", testAtomicRollsBack},
		{"AtomicCommits", testAtomicCommits},
		{"ConcurrentWriters", testConcurrentWriters},
		{"LoginFailures", testLoginFailures},
	}
	tests = append(tests, projectTests...)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t)
			t.Cleanup(func() { s.Close() })
			tc.fn(t, s)
		})
	}
}

type suiteTest struct {
	name string
	fn   func(t *testing.T, s store.Store)
}

// now is a time the way the application makes them: UTC, microseconds.
func now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

func newUser(name string) domain.User {
	t := now()
	return domain.User{
		Username: name, Name: "Name of " + name, Email: name + "@example.edu",
		PasswordHash: "$argon2id$fake", Role: domain.RoleStudent, Department: "Physics",
		StudentID: "S-" + name, Bio: "Hello *world*", Created: t, Updated: t,
	}
}

func mustCreate(t *testing.T, s store.Queries, u domain.User) domain.User {
	t.Helper()
	got, err := s.CreateUser(context.Background(), u)
	if err != nil {
		t.Fatalf("CreateUser(%s): %v", u.Username, err)
	}
	return got
}

func testUsers(t *testing.T, s store.Store) {
	ctx := context.Background()
	if n, err := s.CountUsers(ctx); err != nil || n != 0 {
		t.Fatalf("CountUsers on empty store = %d, %v; want 0", n, err)
	}
	want := newUser("ada")
	want.Admin = true
	want.Role = domain.RoleAssistant
	created := mustCreate(t, s, want)
	if created.ID == 0 {
		t.Fatal("CreateUser returned no ID")
	}
	want.ID = created.ID
	for name, get := range map[string]func() (domain.User, error){
		"UserByID":       func() (domain.User, error) { return s.UserByID(ctx, created.ID) },
		"UserByUsername": func() (domain.User, error) { return s.UserByUsername(ctx, "ada") },
	} {
		got, err := get()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got != want {
			t.Errorf("%s = %+v\nwant %+v", name, got, want)
		}
	}
	other := mustCreate(t, s, newUser("bob"))
	if other.ID == created.ID {
		t.Error("two users share an ID")
	}
	if n, err := s.CountUsers(ctx); err != nil || n != 2 {
		t.Errorf("CountUsers = %d, %v; want 2", n, err)
	}
	if _, err := s.UserByUsername(ctx, "nobody"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("UserByUsername(nobody) error = %v; want ErrNotFound", err)
	}
	if _, err := s.UserByID(ctx, 999999); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("UserByID(999999) error = %v; want ErrNotFound", err)
	}
	later := now().Add(time.Hour)
	if err := s.SetPasswordHash(ctx, created.ID, "$argon2id$new", later); err != nil {
		t.Fatalf("SetPasswordHash: %v", err)
	}
	got, _ := s.UserByID(ctx, created.ID)
	if got.PasswordHash != "$argon2id$new" || !got.Updated.Equal(later) {
		t.Errorf("after SetPasswordHash: hash %q updated %v; want new hash at %v", got.PasswordHash, got.Updated, later)
	}
	if err := s.SetPasswordHash(ctx, 999999, "x", later); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("SetPasswordHash(unknown) = %v; want ErrNotFound", err)
	}
}

func testUserConflicts(t *testing.T, s store.Store) {
	ctx := context.Background()
	mustCreate(t, s, newUser("ada"))
	dupName := newUser("ada")
	dupName.Email = "other@example.edu"
	dupMail := newUser("other")
	dupMail.Email = "ada@example.edu"
	for _, c := range []struct {
		u     domain.User
		field string
	}{{dupName, "username"}, {dupMail, "email"}} {
		_, err := s.CreateUser(ctx, c.u)
		var ce *store.ConflictError
		if !errors.As(err, &ce) || !errors.Is(err, store.ErrConflict) || ce.Field != c.field {
			t.Errorf("CreateUser(%s, %s) error = %v; want a conflict on %s", c.u.Username, c.u.Email, err, c.field)
		}
	}
	if n, _ := s.CountUsers(ctx); n != 1 {
		t.Errorf("after refused inserts CountUsers = %d; want 1", n)
	}
}

func testUpdateProfile(t *testing.T, s store.Store) {
	ctx := context.Background()
	ada := mustCreate(t, s, newUser("ada"))
	mustCreate(t, s, newUser("bob"))
	p := domain.Profile{Name: "Nguyễn Gia Phong", Email: "phong@example.edu", Department: "Informatics", StudentID: "USTH-1", Bio: "**bold**"}
	at := now().Add(time.Minute)
	if err := s.UpdateProfile(ctx, ada.ID, p, at); err != nil {
		t.Fatalf("UpdateProfile: %v", err)
	}
	got, _ := s.UserByID(ctx, ada.ID)
	if domain.ProfileOf(got) != p || !got.Updated.Equal(at) || got.Username != "ada" {
		t.Errorf("after UpdateProfile got %+v; want profile %+v updated at %v", got, p, at)
	}
	p.Email = "bob@example.edu"
	err := s.UpdateProfile(ctx, ada.ID, p, at)
	var ce *store.ConflictError
	if !errors.As(err, &ce) || ce.Field != "email" {
		t.Errorf("UpdateProfile to a taken email = %v; want a conflict on email", err)
	}
	if err := s.UpdateProfile(ctx, 999999, p, at); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("UpdateProfile(unknown) = %v; want ErrNotFound", err)
	}
}

func testSessions(t *testing.T, s store.Store) {
	ctx := context.Background()
	ada := mustCreate(t, s, newUser("ada"))
	t0 := now()
	mk := func(id string, expires time.Time) domain.Session {
		sess := domain.Session{ID: id, UserID: ada.ID, Created: t0, Expires: expires, Remember: id == "remembered"}
		if err := s.CreateSession(ctx, sess); err != nil {
			t.Fatalf("CreateSession(%s): %v", id, err)
		}
		return sess
	}
	live := mk("live", t0.Add(time.Hour))
	mk("remembered", t0.Add(30*24*time.Hour))
	mk("old", t0.Add(-time.Second))

	gotS, gotU, err := s.SessionUser(ctx, "live", t0)
	if err != nil {
		t.Fatalf("SessionUser(live): %v", err)
	}
	if gotS != live || gotU.ID != ada.ID || gotU.Username != "ada" {
		t.Errorf("SessionUser(live) = %+v, %+v; want %+v for ada", gotS, gotU, live)
	}
	if _, _, err := s.SessionUser(ctx, "old", t0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("expired session: err = %v; want ErrNotFound", err)
	}
	if _, _, err := s.SessionUser(ctx, "live", t0.Add(time.Hour)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("session at its expiry instant: err = %v; want ErrNotFound", err)
	}
	if err := s.ExtendSession(ctx, "live", t0.Add(2*time.Hour)); err != nil {
		t.Fatalf("ExtendSession: %v", err)
	}
	if _, _, err := s.SessionUser(ctx, "live", t0.Add(90*time.Minute)); err != nil {
		t.Errorf("extended session not found: %v", err)
	}
	if err := s.ExtendSession(ctx, "missing", t0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("ExtendSession(missing) = %v; want ErrNotFound", err)
	}
	if err := s.CreateSession(ctx, domain.Session{ID: "live", UserID: ada.ID, Created: t0, Expires: t0}); err == nil {
		t.Error("a second session with the same ID was accepted")
	}

	n, err := s.DeleteExpiredSessions(ctx, t0)
	if err != nil || n != 1 {
		t.Errorf("DeleteExpiredSessions = %d, %v; want 1", n, err)
	}
	if err := s.DeleteUserSessions(ctx, ada.ID, "live"); err != nil {
		t.Fatalf("DeleteUserSessions: %v", err)
	}
	if _, _, err := s.SessionUser(ctx, "remembered", t0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("session kept after DeleteUserSessions: %v", err)
	}
	if _, _, err := s.SessionUser(ctx, "live", t0); err != nil {
		t.Errorf("DeleteUserSessions removed the kept session: %v", err)
	}
	if err := s.DeleteSession(ctx, "live"); err != nil {
		t.Fatalf("DeleteSession: %v", err)
	}
	if _, _, err := s.SessionUser(ctx, "live", t0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deleted session still found: %v", err)
	}
}

// A disabled user's sessions no longer resolve; enabled again, they do.
func testDisabledUsers(t *testing.T, s store.Store) {
	ctx := context.Background()
	ada := mustCreate(t, s, newUser("ada"))
	if ada.Disabled {
		t.Fatal("a new user is disabled")
	}
	t0 := now()
	if err := s.CreateSession(ctx, domain.Session{ID: "sess", UserID: ada.ID, Created: t0, Expires: t0.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetDisabled(ctx, ada.ID, true, t0); err != nil {
		t.Fatal(err)
	}
	if u, err := s.UserByUsername(ctx, "ada"); err != nil || !u.Disabled {
		t.Errorf("after SetDisabled(true): %+v, %v; want disabled", u, err)
	}
	if _, _, err := s.SessionUser(ctx, "sess", t0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("session of a disabled user: %v; want ErrNotFound", err)
	}
	if err := s.SetDisabled(ctx, ada.ID, false, t0); err != nil {
		t.Fatal(err)
	}
	if _, u, err := s.SessionUser(ctx, "sess", t0); err != nil || u.Disabled {
		t.Errorf("session after enabling again: %+v, %v", u, err)
	}
	if err := s.SetDisabled(ctx, 99999, true, t0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("SetDisabled(unknown) = %v; want ErrNotFound", err)
	}
}

func testSessionsNeedUser(t *testing.T, s store.Store) {
	err := s.CreateSession(context.Background(), domain.Session{ID: "x", UserID: 424242, Created: now(), Expires: now().Add(time.Hour)})
	if err == nil {
		t.Error("a session for a user that does not exist was accepted (foreign keys off?)")
	}
}

func testInvites(t *testing.T, s store.Store) {
	ctx := context.Background()
	ada := mustCreate(t, s, newUser("ada"))
	bob := mustCreate(t, s, newUser("bob"))
	t0 := now()
	inv := domain.Invite{ID: "tok", Role: domain.RoleJudge, Department: "Physics", CreatedBy: ada.ID, Created: t0, Expires: t0.Add(time.Hour)}
	if err := s.CreateInvite(ctx, inv); err != nil {
		t.Fatalf("CreateInvite: %v", err)
	}
	cli := domain.Invite{ID: "cli", Role: domain.RoleAssistant, Created: t0, Expires: t0.Add(-time.Minute)}
	if err := s.CreateInvite(ctx, cli); err != nil {
		t.Fatalf("CreateInvite without creator: %v", err)
	}
	got, err := s.Invite(ctx, "tok")
	if err != nil || got != inv {
		t.Errorf("Invite(tok) = %+v, %v; want %+v", got, err, inv)
	}
	if _, err := s.Invite(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Invite(nope) = %v; want ErrNotFound", err)
	}
	if err := s.UseInvite(ctx, "tok", bob.ID, t0); err != nil {
		t.Fatalf("UseInvite: %v", err)
	}
	got, _ = s.Invite(ctx, "tok")
	if got.UsedBy != bob.ID || !got.Used.Equal(t0) {
		t.Errorf("used invite = %+v; want used by %d at %v", got, bob.ID, t0)
	}
	if err := s.UseInvite(ctx, "tok", ada.ID, t0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("second UseInvite = %v; want ErrNotFound", err)
	}
	if err := s.UseInvite(ctx, "cli", ada.ID, t0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("UseInvite(expired) = %v; want ErrNotFound", err)
	}
}

func testInviteConcurrent(t *testing.T, s store.Store) {
	ctx := context.Background()
	t0 := now()
	if err := s.CreateInvite(ctx, domain.Invite{ID: "once", Role: domain.RoleStudent, Created: t0, Expires: t0.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	const n = 8
	var users []domain.User
	for i := range n {
		users = append(users, mustCreate(t, s, newUser(fmt.Sprintf("u%d", i))))
	}
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for _, u := range users {
		wg.Go(func() { errs <- s.UseInvite(ctx, "once", u.ID, t0) })
	}
	wg.Wait()
	close(errs)
	ok := 0
	for err := range errs {
		switch {
		case err == nil:
			ok++
		case !errors.Is(err, store.ErrNotFound):
			t.Errorf("concurrent UseInvite: %v", err)
		}
	}
	if ok != 1 {
		t.Errorf("%d concurrent uses of one invitation succeeded; want exactly 1", ok)
	}
}

var errStop = errors.New("stop")

func testAtomicRollsBack(t *testing.T, s store.Store) {
	ctx := context.Background()
	err := s.Atomic(ctx, func(q store.Queries) error {
		mustCreate(t, q, newUser("ada"))
		if n, err := q.CountUsers(ctx); err != nil || n != 1 {
			t.Errorf("inside the transaction CountUsers = %d, %v; want 1", n, err)
		}
		return errStop
	})
	if !errors.Is(err, errStop) {
		t.Errorf("Atomic returned %v; want the function's error", err)
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("Atomic swallowed a panic")
			}
		}()
		_ = s.Atomic(ctx, func(q store.Queries) error {
			mustCreate(t, q, newUser("bob"))
			panic("boom")
		})
	}()
	if n, err := s.CountUsers(ctx); err != nil || n != 0 {
		t.Errorf("after rolled-back transactions CountUsers = %d, %v; want 0", n, err)
	}
	// A conflict inside a transaction undoes the earlier writes too.
	mustCreate(t, s, newUser("carol"))
	err = s.Atomic(ctx, func(q store.Queries) error {
		mustCreate(t, q, newUser("dave"))
		_, err := q.CreateUser(ctx, newUser("carol"))
		return err
	})
	if !errors.Is(err, store.ErrConflict) {
		t.Errorf("Atomic with a conflicting insert = %v; want ErrConflict", err)
	}
	if _, err := s.UserByUsername(ctx, "dave"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("dave survived a rolled-back transaction: %v", err)
	}
}

func testAtomicCommits(t *testing.T, s store.Store) {
	ctx := context.Background()
	var id int64
	err := s.Atomic(ctx, func(q store.Queries) error {
		u, err := q.CreateUser(ctx, newUser("ada"))
		if err != nil {
			return err
		}
		id = u.ID
		return q.CreateSession(ctx, domain.Session{ID: "s", UserID: u.ID, Created: now(), Expires: now().Add(time.Hour)})
	})
	if err != nil {
		t.Fatalf("Atomic: %v", err)
	}
	if _, u, err := s.SessionUser(ctx, "s", now()); err != nil || u.ID != id {
		t.Errorf("committed session = %v, user %d; want user %d", err, u.ID, id)
	}
}

// testConcurrentWriters checks that writers waiting for each other succeed
// rather than fail with a busy or serialisation error.
func testConcurrentWriters(t *testing.T, s store.Store) {
	ctx := context.Background()
	const n = 32
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			errs <- s.Atomic(ctx, func(q store.Queries) error {
				c, err := q.CountUsers(ctx)
				if err != nil {
					return err
				}
				u := newUser(fmt.Sprintf("w%d", i))
				u.Admin = c == 0
				_, err = q.CreateUser(ctx, u)
				return err
			})
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("concurrent write: %v", err)
		}
	}
	if c, _ := s.CountUsers(ctx); c != n {
		t.Errorf("CountUsers = %d; want %d", c, n)
	}
}

func testLoginFailures(t *testing.T, s store.Store) {
	ctx := context.Background()
	t0 := now()
	for i := range 3 {
		if err := s.RecordLoginFailure(ctx, "ada", t0.Add(time.Duration(i)*time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	s.RecordLoginFailure(ctx, "bob", t0.Add(time.Hour))
	count := func(key string, since time.Time) int {
		t.Helper()
		n, err := s.CountLoginFailures(ctx, key, since)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count("ada", t0); n != 3 {
		t.Errorf("failures of ada = %d; want 3", n)
	}
	if n := count("ada", t0.Add(time.Minute)); n != 2 {
		t.Errorf("failures of ada since the second = %d; want 2 (since is inclusive)", n)
	}
	if err := s.DeleteLoginFailures(ctx, t0.Add(90*time.Second)); err != nil {
		t.Fatal(err)
	}
	if n := count("ada", t0); n != 1 {
		t.Errorf("after deleting old failures ada has %d; want 1", n)
	}
	if err := s.ClearLoginFailures(ctx, "ada"); err != nil {
		t.Fatal(err)
	}
	if a, b := count("ada", t0), count("bob", t0); a != 0 || b != 1 {
		t.Errorf("after clearing ada: ada %d, bob %d; want 0 and 1", a, b)
	}
}

func testClaim(t *testing.T, s store.Store) {
	ctx := context.Background()
	if got, err := s.Claim(ctx, "k", "first"); err != nil || got != "first" {
		t.Errorf("first claim = %q, %v; want first", got, err)
	}
	if got, err := s.Claim(ctx, "k", "second"); err != nil || got != "first" {
		t.Errorf("second claim = %q, %v; want the first to hold", got, err)
	}
	if got, _ := s.Claim(ctx, "other", "x"); got != "x" {
		t.Errorf("claims of different keys interfere: %q", got)
	}
}
