package web

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/acanban/acanban/internal/auth"
	"github.com/acanban/acanban/internal/domain"
)

const sessionCookie = "acanban_session"

type ctxKey int

const (
	userKey ctxKey = iota
	sessionKey
)

// viewer returns the logged-in user, or nil for a guest.
func viewer(r *http.Request) *domain.User {
	u, _ := r.Context().Value(userKey).(*domain.User)
	return u
}

// sessionToken returns the browser's session token, if any.
func sessionToken(r *http.Request) string {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return ""
	}
	return c.Value
}

// withSession finds the user of the session cookie.
func (s *Server) withSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token := sessionToken(r)
		if token == "" || strings.HasPrefix(r.URL.Path, "/static/") || r.URL.Path == "/healthz" || r.URL.Path == "/readyz" {
			next.ServeHTTP(w, r)
			return
		}
		sess, u, renewed, err := s.Sessions.Lookup(r.Context(), token)
		switch {
		case errors.Is(err, auth.ErrNoSession):
			s.clearSessionCookie(w) // stale cookie: forget it
		case err != nil:
			s.fail(w, r, err)
			return
		default:
			if renewed {
				s.setSessionCookie(w, token, sess)
			}
			ctx := context.WithValue(r.Context(), userKey, &u)
			ctx = context.WithValue(ctx, sessionKey, sess)
			r = r.WithContext(ctx)
		}
		next.ServeHTTP(w, r)
	})
}

// setSessionCookie sends the session token: HttpOnly, SameSite=Lax, Secure
// under TLS; persistent only with "remember me".
func (s *Server) setSessionCookie(w http.ResponseWriter, token string, sess domain.Session) {
	c := &http.Cookie{
		Name: sessionCookie, Value: token, Path: "/",
		HttpOnly: true, Secure: s.TLS, SameSite: http.SameSiteLaxMode,
	}
	if sess.Remember {
		c.Expires = sess.Expires
		c.MaxAge = int(time.Until(sess.Expires).Seconds())
	}
	http.SetCookie(w, c)
}

func (s *Server) clearSessionCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.TLS, SameSite: http.SameSiteLaxMode,
	})
}

// requireUser returns the viewer, or answers 401 with the login form and
// returns nil.
func (s *Server) requireUser(w http.ResponseWriter, r *http.Request) *domain.User {
	u := viewer(r)
	if u == nil {
		s.fail(w, r, domain.Unauthenticated("Log in to see this page."))
	}
	return u
}
