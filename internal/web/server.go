// Package web is Acanban's HTTP interface: routes, middleware and one small
// handler file per page. Handlers parse the request, authorise, call the
// domain and render; the rules themselves live in domain and accounts.
package web

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/acanban/acanban/internal/accounts"
	"github.com/acanban/acanban/internal/auth"
	"github.com/acanban/acanban/internal/domain"
	"github.com/acanban/acanban/internal/grading"
	"github.com/acanban/acanban/internal/live"
	"github.com/acanban/acanban/internal/markdown"
	"github.com/acanban/acanban/internal/projects"
	"github.com/acanban/acanban/internal/store"
)

// Deps is what the web layer needs from the rest of the program.
type Deps struct {
	Store    store.Store
	Accounts *accounts.Service
	Projects *projects.Service
	Grading  *grading.Service
	// Hub wakes the live connections of this instance.
	Hub *live.Hub
	// Stopping is closed when the server shuts down, to end live streams
	// (nil: never).
	Stopping <-chan struct{}
	// BenchRoutes adds /bench/bytes/{n} for load measurements.
	BenchRoutes  bool
	Sessions     *auth.Sessions
	Markdown     *markdown.Renderer
	Logger       *slog.Logger
	Registration domain.RegistrationMode
	// TLS: the site is served over HTTPS, here or by a proxy in front
	// (cookies get Secure, HSTS is sent).
	TLS bool
	// TrustedProxies are the proxies whose X-Forwarded-For is believed.
	TrustedProxies []netip.Prefix
	// Location is the time zone of the dates shown and typed; nil is UTC.
	Location *time.Location
	// MaxUpload is the largest file accepted, in bytes; 0 is 100 MiB.
	MaxUpload int64
}

// Server is the web application, an http.Handler.
type Server struct {
	Deps
	mux     *http.ServeMux
	boards  boardCache
	pages   *pages
	assets  *assets
	handler http.Handler
}

// New builds the application.
func New(d Deps) (*Server, error) {
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	if d.Markdown == nil {
		d.Markdown = markdown.New()
	}
	if d.Location == nil {
		d.Location = time.UTC
	}
	if d.Hub == nil {
		d.Hub = live.NewHub()
	}
	if d.MaxUpload <= 0 {
		d.MaxUpload = 100 << 20
	}
	s := &Server{Deps: d}
	var err error
	if s.assets, err = loadAssets(); err != nil {
		return nil, err
	}
	if s.pages, err = loadPages(s.funcs()); err != nil {
		return nil, err
	}
	s.handler = s.middleware(s.routes())
	return s, nil
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

func (s *Server) routes() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.Handle("GET /static/{name}", s.assets)

	mux.HandleFunc("GET /{$}", s.home)
	mux.HandleFunc("GET /register", s.registerForm)
	mux.HandleFunc("POST /register", s.register)
	mux.HandleFunc("GET /login", s.loginForm)
	mux.HandleFunc("POST /login", s.login)
	mux.HandleFunc("POST /logout", s.logout)

	mux.HandleFunc("GET /invites", s.invitesForm)
	mux.HandleFunc("POST /invites", s.invitesCreate)
	mux.HandleFunc("GET /accounts", s.accountsForm)
	mux.HandleFunc("POST /accounts", s.accountCreate)
	mux.HandleFunc("POST /accounts/import", s.accountsImport)
	mux.HandleFunc("POST /accounts/reset", s.accountPasswordReset)
	mux.HandleFunc("POST /accounts/disable", s.accountDisable)
	mux.HandleFunc("GET /u", s.people)
	mux.HandleFunc("GET /u/{username}", s.profile)
	mux.HandleFunc("GET /u/{username}/edit", s.profileEditForm)
	mux.HandleFunc("POST /u/{username}/edit", s.profileEdit)
	mux.HandleFunc("GET /u/{username}/password", s.passwordForm)
	mux.HandleFunc("POST /u/{username}/password", s.passwordChange)

	mux.HandleFunc("GET /p", s.projectList)
	mux.HandleFunc("GET /p/create", s.projectCreateForm)
	mux.HandleFunc("POST /p/create", s.projectCreate)
	mux.HandleFunc("GET /p/{id}", s.projectRoot)
	mux.HandleFunc("GET /p/{id}/info", s.projectInfo)
	mux.HandleFunc("GET /p/{id}/edit", s.projectEditForm)
	mux.HandleFunc("POST /p/{id}/edit", s.projectEdit)
	mux.HandleFunc("GET /p/{id}/members", s.projectMembers)
	mux.HandleFunc("POST /p/{id}/invite", s.projectInvite)
	mux.HandleFunc("POST /p/{id}/leave", s.projectLeave)

	mux.HandleFunc("GET /p/{id}/tasks", s.board)
	mux.HandleFunc("GET /p/{id}/events", s.events)
	mux.HandleFunc("GET /p/{id}/tasks/create", s.taskCreateForm)
	mux.HandleFunc("POST /p/{id}/tasks/create", s.taskCreate)
	mux.HandleFunc("GET /p/{id}/tasks/{n}", s.taskPage)
	mux.HandleFunc("GET /p/{id}/tasks/{n}/edit", s.taskEditForm)
	mux.HandleFunc("POST /p/{id}/tasks/{n}/edit", s.taskEdit)
	mux.HandleFunc("POST /p/{id}/tasks/{n}/move", s.taskMove)
	mux.HandleFunc("POST /p/{id}/tasks/{n}/comment", s.taskComment)
	mux.HandleFunc("POST /p/{id}/tasks/{n}/work", s.taskWork)
	mux.HandleFunc("GET /p/{id}/report", s.artifact(domain.SlotReport))
	mux.HandleFunc("POST /p/{id}/report/upload", s.artifactUpload(domain.SlotReport))
	mux.HandleFunc("GET /p/{id}/slides", s.artifact(domain.SlotSlides))
	mux.HandleFunc("POST /p/{id}/slides/upload", s.artifactUpload(domain.SlotSlides))
	mux.HandleFunc("GET /ipfs/{cid}", s.download)

	mux.HandleFunc("GET /p/{id}/grades", s.grades)
	mux.HandleFunc("POST /p/{id}/eval", s.gradeOutcome)
	mux.HandleFunc("POST /p/{id}/report/eval", s.gradeArtifact(domain.SlotReport))
	mux.HandleFunc("POST /p/{id}/slides/eval", s.gradeArtifact(domain.SlotSlides))
	mux.HandleFunc("POST /p/{id}/tasks/{n}/eval", s.gradeTask)
	mux.HandleFunc("POST /p/{id}/adjust", s.adjust)
	mux.HandleFunc("POST /p/{id}/publish", s.publish)
	mux.HandleFunc("POST /p/{id}/judges", s.assignJudge)
	mux.HandleFunc("POST /p/{id}/judges/remove", s.unassignJudge)
	mux.HandleFunc("GET /a", s.assistantOverview)
	mux.HandleFunc("GET /a/stats", s.stats)
	for _, format := range []string{"csv", "xlsx", "pdf"} {
		mux.HandleFunc("GET /p/{id}/transcript."+format, s.projectTranscript(format))
		mux.HandleFunc("GET /a/transcript."+format, s.departmentTranscript(format))
	}

	if s.BenchRoutes {
		mux.HandleFunc("GET /bench/bytes/{n}", benchBytes)
	}
	mux.HandleFunc("GET /", s.notFound) // other methods on known paths: 405
	s.mux = mux

	return mux
}

// notFound answers a GET that no route takes: 405 when the path takes
// POST (a form's address typed in the address bar), 404 otherwise.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	post := r.Clone(r.Context())
	post.Method = http.MethodPost
	if _, pattern := s.mux.Handler(post); strings.HasPrefix(pattern, "POST ") {
		w.Header().Set("Allow", "POST")
		s.failStatus(w, r, http.StatusMethodNotAllowed, "This address takes a form submission (POST), not a page visit.")
		return
	}
	s.fail(w, r, domain.NotFound("There is no page at %s.", r.URL.Path))
}

// benchBytes answers n fixed bytes as a page: what the server achieves when
// a handler does nothing, for acanban-load -saturate to compare pages with.
func benchBytes(w http.ResponseWriter, r *http.Request) {
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 0 || n > 10<<20 {
		http.Error(w, "n: 0 to 10485760 bytes", http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(benchSlice()[:n])
}

// benchSlice is made on first use: only with -bench-routes.
var benchSlice = sync.OnceValue(func() []byte { return bytes.Repeat([]byte("x"), 10<<20) })
