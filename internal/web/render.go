package web

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/acanban/acanban/internal/domain"
	"github.com/acanban/acanban/internal/store"
)

//go:embed templates
var templateFS embed.FS

// pages holds one template set per page, each the layout plus the page.
type pages struct{ byName map[string]*template.Template }

func loadPages(funcs template.FuncMap) (*pages, error) {
	base, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/partials/*.html")
	if err != nil {
		return nil, fmt.Errorf("web: parse layout: %w", err)
	}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	p := &pages{byName: map[string]*template.Template{}}
	for _, name := range names {
		if path.Base(name) == "layout.html" {
			continue
		}
		t, err := template.Must(base.Clone()).ParseFS(templateFS, name)
		if err != nil {
			return nil, fmt.Errorf("web: parse %s: %w", name, err)
		}
		p.byName[strings.TrimSuffix(path.Base(name), ".html")] = t
	}
	return p, nil
}

// page is what every template receives.
type page struct {
	Title  string
	Viewer *domain.User
	// Error is the message of a failed request, shown above the form.
	Error string
	// Field names the form field at fault, to mark it.
	Field string
	// Form holds the submitted values, to fill the form again.
	Form url.Values
	// Flash is a one-time notice after a redirect.
	Flash string
	// Next is where the login form returns to.
	Next string
	// Data is the page's own content.
	Data any
}

// Value returns the submitted value of a form field.
func (p *page) Value(field string) string { return p.Form.Get(field) }

func (s *Server) funcs() template.FuncMap {
	return template.FuncMap{
		"asset":      func(name string) string { return s.assets.url(name) },
		"markdown":   s.Markdown.Render,
		"markdownIn": s.Markdown.RenderIn,
		"ago":        ago,
		"datetime":   func(t time.Time) string { return t.In(s.Location).Format("2006-01-02 15:04 MST") },
		"date":       func(t time.Time) string { return t.In(s.Location).Format("2 Jan 2006") },
		"iso":        func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"formtime":   func(t time.Time) string { return formTime(t, s.Location) },
		"until":      func(t time.Time) string { return domain.Until(t, time.Now()) },
		"overdue":    func(t time.Time) bool { return !t.IsZero() && t.Before(time.Now()) },
		"roles":      func() []domain.Role { return domain.Roles },
		"statuses":   func() []domain.Status { return domain.Statuses },
		"add":        func(a, b int) int { return a + b },
		"comment":    newCommentNode,
		"size":       humanSize,
		"weight":     func(w int64) float64 { return float64(w) / 1000 },
		"signed": func(g domain.Grade) string {
			if g > 0 {
				return "+" + g.String()
			}
			return g.String()
		},
		"dictSlots": func() map[string]string { return map[string]string{"report": "report", "slides": "presentation"} },
	}
}

// render writes page name with status. It renders into a buffer first so
// that a template error becomes a 500, not half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p *page) {
	t, ok := s.pages.byName[name]
	if !ok {
		s.Logger.Error("no such template", "name", name)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	if p.Viewer == nil {
		p.Viewer = viewer(r)
	}
	if p.Form == nil {
		p.Form = url.Values{}
	}
	if p.Flash == "" && r.Method == http.MethodGet {
		p.Flash = takeFlash(w, r)
	}
	buf := pageBuffers.Get().(*bytes.Buffer)
	defer putPageBuffer(buf)
	buf.Reset()
	if err := t.ExecuteTemplate(buf, "layout.html", p); err != nil {
		s.Logger.Error("render", "template", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// pageBuffers keeps the buffers pages are rendered into, so that a page of
// 20 KB does not grow a new buffer from nothing each time.
var pageBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// putPageBuffer returns buf to the pool unless it grew for an exceptional
// page (a board of a thousand tasks), which would stay in memory.
func putPageBuffer(buf *bytes.Buffer) {
	if buf.Cap() <= 256<<10 {
		pageBuffers.Put(buf)
	}
}

// statusOf maps an error to its HTTP status.
func statusOf(err error) int {
	if store.Unavailable(err) {
		return http.StatusServiceUnavailable
	}
	switch domain.KindOf(err) {
	case domain.KindMalformed:
		return http.StatusBadRequest
	case domain.KindUnauthenticated:
		return http.StatusUnauthorized
	case domain.KindForbidden:
		return http.StatusForbidden
	case domain.KindNotFound:
		return http.StatusNotFound
	case domain.KindConflict:
		return http.StatusConflict
	case domain.KindTooLarge:
		return http.StatusRequestEntityTooLarge
	case domain.KindUnsupported:
		return http.StatusUnsupportedMediaType
	case domain.KindInvalid:
		return http.StatusUnprocessableEntity
	case domain.KindTooMany:
		return http.StatusTooManyRequests
	case domain.KindUnavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// message is what the user reads about err: its own words for a domain
// error, a neutral sentence for a fault of ours (which is logged).
func (s *Server) message(r *http.Request, err error) (string, string) {
	var de *domain.Error
	if errors.As(err, &de) {
		return de.Message, de.Field
	}
	if store.Unavailable(err) {
		s.Logger.Warn("database unreachable", "method", r.Method, "path", r.URL.Path, "err", err)
		return "The database is unreachable at the moment, so this page cannot be shown. Try again in a minute; the site recovers by itself when the database is back.", ""
	}
	s.Logger.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	return "Something went wrong on our side. Please try again; if it keeps happening, tell the site's administrator.", ""
}

// fail renders the error page for err. A 401 page offers the login form.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	status := statusOf(err)
	msg, _ := s.message(r, err)
	if wantsJSON(r) {
		writeJSON(w, status, map[string]string{"error": msg})
		return
	}
	p := &page{Title: http.StatusText(status), Error: msg, Data: status}
	if status == http.StatusUnauthorized {
		p.Next = r.URL.RequestURI()
		if r.Method != http.MethodGet {
			p.Next = sameSiteReferer(r)
		}
		p.Next = safeNext(p.Next)
	}
	s.render(w, r, status, "error", p)
}

// failStatus renders the error page with a status that no domain error
// kind carries.
func (s *Server) failStatus(w http.ResponseWriter, r *http.Request, status int, msg string) {
	s.render(w, r, status, "error", &page{Title: http.StatusText(status), Error: msg, Data: status})
}

// formError re-renders a form page with err's message and status.
func (s *Server) formError(w http.ResponseWriter, r *http.Request, name string, p *page, err error) {
	p.Error, p.Field = s.message(r, err)
	p.Form = r.PostForm
	s.render(w, r, statusOf(err), name, p)
}

// redirect answers a successful POST with 303 See Other.
func redirect(w http.ResponseWriter, r *http.Request, to string) {
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// sameSiteReferer returns the path and query of the page a request came
// from, if that page is on this site.
func sameSiteReferer(r *http.Request) string {
	u, err := url.Parse(r.Referer())
	if err != nil || u.Host != r.Host {
		return ""
	}
	return u.RequestURI()
}

// safeNext keeps a return address only if it is a path on this site.
func safeNext(next string) string {
	if next == "" {
		return ""
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || !strings.HasPrefix(u.Path, "/") ||
		strings.HasPrefix(next, "//") || strings.Contains(next, "\\") || u.Path == "/login" || u.Path == "/logout" {
		return ""
	}
	return u.RequestURI()
}

const flashCookie = "acanban_flash"

// setFlash leaves a one-time notice for the next page.
func (s *Server) setFlash(w http.ResponseWriter, msg string) {
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: url.QueryEscape(msg), Path: "/",
		HttpOnly: true, Secure: s.TLS, SameSite: http.SameSiteLaxMode, MaxAge: 60})
}

func takeFlash(w http.ResponseWriter, r *http.Request) string {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return ""
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Path: "/", MaxAge: -1})
	msg, _ := url.QueryUnescape(c.Value)
	if r := []rune(msg); len(r) > 200 {
		msg = string(r[:200])
	}
	return strings.ToValidUTF8(msg, "")
}

// maxForm is the size of the largest form without files.
const maxForm = 1 << 20

// parseForm reads a posted form of at most 1 MiB, urlencoded or multipart,
// and refuses text that is not UTF-8 or holds NUL characters.
func parseForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	var err error
	if ct := r.Header.Get("Content-Type"); strings.HasPrefix(ct, "multipart/") {
		err = r.ParseMultipartForm(maxForm)
		if err == nil && r.MultipartForm != nil {
			for k, v := range r.MultipartForm.Value {
				r.PostForm[k] = v
			}
		}
	} else {
		err = r.ParseForm()
	}
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return &domain.Error{Kind: domain.KindTooLarge, Message: "The form is too large (at most 1 MiB)."}
		}
		return domain.Malformed("The form could not be read: %v.", err)
	}
	for field, vs := range r.PostForm {
		for _, v := range vs {
			if !utf8.ValidString(v) || strings.ContainsRune(v, 0) {
				return &domain.Error{Kind: domain.KindMalformed, Field: field, Message: "The form holds text that is not valid UTF-8 or contains NUL characters."}
			}
		}
	}
	return nil
}

// ago says how long ago (or in how long) t is, in words.
func ago(t time.Time) string {
	d := time.Since(t)
	future := d < 0
	if future {
		d = -d
	}
	var s string
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		s = plural(int(d/time.Minute), "minute")
	case d < 24*time.Hour:
		s = plural(int(d/time.Hour), "hour")
	case d < 30*24*time.Hour:
		s = plural(int(d/(24*time.Hour)), "day")
	case d < 365*24*time.Hour:
		s = plural(int(d/(30*24*time.Hour)), "month")
	default:
		s = plural(int(d/(365*24*time.Hour)), "year")
	}
	if future {
		return "in " + s
	}
	return s + " ago"
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

// formTime writes a time as a datetime-local form value, in loc; the zero
// time is empty.
func formTime(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format("2006-01-02T15:04")
}

// commentNode is a comment with what its template needs from the page:
// the project, the task number, whether the viewer may reply, and the page
// (a refused reply is shown again in its own form).
type commentNode struct {
	C    *domain.Comment
	P    int64
	N    int
	W    bool
	Page *page
}

func newCommentNode(c *domain.Comment, project int64, task int, write bool, pg *page) commentNode {
	return commentNode{C: c, P: project, N: task, W: write, Page: pg}
}

// Refused reports whether the page shows a refused reply to this comment.
func (n commentNode) Refused() bool {
	return n.Page != nil && n.Page.Error != "" && n.Page.Form.Get("parent") == fmt.Sprint(n.C.ID)
}
