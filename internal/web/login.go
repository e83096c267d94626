package web

import (
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"

	"github.com/acanban/acanban/internal/domain"
)

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) {
	next := safeNext(r.URL.Query().Get("next"))
	if viewer(r) != nil {
		if next == "" {
			next = "/"
		}
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "login", &page{Title: "Log in", Next: next, Form: url.Values{}})
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	p := &page{Title: "Log in"}
	if err := parseForm(w, r); err != nil {
		s.formError(w, r, "login", p, err)
		return
	}
	f := r.PostForm
	p.Next = safeNext(f.Get("next"))
	u, err := s.Accounts.Authenticate(r.Context(), f.Get("username"), f.Get("password"), s.clientAddr(r))
	if err != nil {
		f.Del("password")
		s.formError(w, r, "login", p, err)
		return
	}
	if err := s.startSession(w, r, u, f.Get("remember") != ""); err != nil {
		s.fail(w, r, err)
		return
	}
	if p.Next == "" {
		p.Next = "/"
	}
	redirect(w, r, p.Next)
}

// startSession logs u in, ending the browser's previous session if any.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, u domain.User, remember bool) error {
	if old := sessionToken(r); old != "" {
		if err := s.Sessions.End(r.Context(), old); err != nil {
			return err
		}
	}
	token, sess, err := s.Sessions.Start(r.Context(), s.Store, u.ID, remember)
	if err != nil {
		return err
	}
	s.setSessionCookie(w, token, sess)
	return nil
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if err := s.Sessions.End(r.Context(), sessionToken(r)); err != nil {
		s.fail(w, r, err)
		return
	}
	s.clearSessionCookie(w)
	redirect(w, r, "/")
}

// clientAddr is the address a request comes from, without the port.
// Behind trusted proxies it is the last address of X-Forwarded-For that is
// not one of them: what a client writes there itself is not believed.
func (s *Server) clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	addr, err := netip.ParseAddr(host)
	if err != nil || !s.trusted(addr) {
		return host
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break
		}
		if !s.trusted(a) {
			return a.String()
		}
	}
	return host
}

func (s *Server) trusted(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range s.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
