package auth_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/acanban/acanban/internal/auth"
	"github.com/acanban/acanban/internal/domain"
	"github.com/acanban/acanban/internal/store/sqlite"
)

func TestHashVerify(t *testing.T) {
	ctx := context.Background()
	h := auth.NewHasher(auth.Params{Memory: 1024, Time: 1, Threads: 1}, 2)
	a, err := h.Hash(ctx, "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := h.Hash(ctx, "correct horse")
	if a == b {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
	if !strings.HasPrefix(a, "$argon2id$v=19$m=1024,t=1,p=1$") {
		t.Errorf("hash %q is not a PHC argon2id string with our parameters", a)
	}
	for pw, want := range map[string]bool{"correct horse": true, "correct horsE": false, "": false} {
		if ok, err := h.Verify(ctx, a, pw); ok != want || err != nil {
			t.Errorf("Verify(%q) = %v, %v; want %v", pw, ok, err, want)
		}
	}
	// A hash made with other parameters still verifies: they are read from it.
	strong := auth.NewHasher(auth.Params{Memory: 2048, Time: 2, Threads: 2}, 1)
	if ok, _ := strong.Verify(ctx, a, "correct horse"); !ok {
		t.Error("a hash with other parameters did not verify")
	}
	if ok, err := h.Verify(ctx, "", "anything"); ok || err != nil {
		t.Errorf("Verify against no hash = %v, %v; want false, nil", ok, err)
	}
	for _, bad := range []string{"plain", "$argon2i$v=19$m=1,t=1,p=1$AAAA$AAAA", "$argon2id$v=19$m=1,t=0,p=1$AAAA$AAAA", "$argon2id$v=19$m=1,t=1,p=1$!!$AAAA"} {
		if ok, err := h.Verify(ctx, bad, "x"); ok || err == nil {
			t.Errorf("Verify(%q) = %v, %v; want an error", bad, ok, err)
		}
	}
}

func TestTokens(t *testing.T) {
	a, b := auth.NewToken(), auth.NewToken()
	if a == b || len(a) < 26 {
		t.Errorf("tokens %q %q: want distinct and at least 26 characters", a, b)
	}
	if id := auth.TokenID(a); len(id) != 64 || strings.Contains(id, a) {
		t.Errorf("TokenID(%q) = %q; want a hex SHA-256", a, id)
	}
}

func TestSessionRenewal(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	u, err := st.CreateUser(ctx, domain.User{Username: "ada", Name: "Ada", Email: "ada@x.org", PasswordHash: "h", Role: domain.RoleStudent, Created: now, Updated: now})
	if err != nil {
		t.Fatal(err)
	}
	m := &auth.Sessions{Store: st, Lifetime: 10 * time.Hour, RememberLifetime: 100 * time.Hour, Now: func() time.Time { return now }}
	token, s, err := m.Start(ctx, st, u.ID, false)
	if err != nil || !s.Expires.Equal(now.Add(10*time.Hour)) {
		t.Fatalf("Start = %+v, %v", s, err)
	}
	now = now.Add(4 * time.Hour)
	if _, _, renewed, err := m.Lookup(ctx, token); err != nil || renewed {
		t.Errorf("lookup early in the lifetime: renewed %v, %v; want no renewal", renewed, err)
	}
	now = now.Add(2 * time.Hour) // 6 h in: past half
	s, got, renewed, err := m.Lookup(ctx, token)
	if err != nil || !renewed || got.ID != u.ID || !s.Expires.Equal(now.Add(10*time.Hour)) {
		t.Errorf("lookup past half the lifetime: %+v renewed %v, %v", s, renewed, err)
	}
	now = now.Add(11 * time.Hour)
	if _, _, _, err := m.Lookup(ctx, token); !errors.Is(err, auth.ErrNoSession) {
		t.Errorf("expired session: %v; want ErrNoSession", err)
	}
	if _, _, _, err := m.Lookup(ctx, "forged"); !errors.Is(err, auth.ErrNoSession) {
		t.Errorf("unknown token: %v", err)
	}
}
