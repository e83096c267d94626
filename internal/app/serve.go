package app

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/acanban/acanban/internal/accounts"
	"github.com/acanban/acanban/internal/auth"
	"github.com/acanban/acanban/internal/files/embedded"
	"github.com/acanban/acanban/internal/live"
	"github.com/acanban/acanban/internal/web"
)

// ReadTimeout bounds the time to receive a request, body included.
const ReadTimeout = time.Minute

// ShutdownGrace is how long in-flight requests get to finish after a
// shutdown signal.
const ShutdownGrace = 30 * time.Second

// Serve runs the web server (and the HTTP to HTTPS redirect, if set) until
// ctx is done, then shuts down gracefully. ready, if not nil, receives the
// address the server listens on once it accepts connections.
func (a *App) Serve(ctx context.Context, ready func(addr string)) error {
	cfg := a.Config
	stopping, stopStreams := context.WithCancel(context.Background())
	defer stopStreams()
	handler, err := web.New(web.Deps{
		Stopping: stopping.Done(),
		Store:    a.Store, Accounts: a.Accounts, Projects: a.Projects, Grading: a.Grading, Sessions: a.Sessions, Logger: a.Logger, Hub: a.Hub,
		Registration: cfg.Registration, TLS: cfg.HTTPS(), TrustedProxies: cfg.TrustedProxies,
		Location: cfg.Location, MaxUpload: cfg.MaxUpload, BenchRoutes: cfg.BenchRoutes,
	})
	if err != nil {
		return err
	}
	var tlsConfig *tls.Config
	if cfg.TLS() {
		cert, err := tls.LoadX509KeyPair(cfg.TLSCert, cfg.TLSKey)
		if err != nil {
			return fmt.Errorf("TLS certificate: %w", err)
		}
		tlsConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	errLog := slog.NewLogLogger(a.Logger.Handler(), slog.LevelWarn)
	site := &http.Server{
		Handler: handler, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute,
		// A whole request must arrive within ReadTimeout; handlers of large
		// uploads extend their own deadline.
		ReadTimeout:    ReadTimeout,
		MaxHeaderBytes: 64 << 10, ErrorLog: errLog, TLSConfig: tlsConfig,
		BaseContext: func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	site.RegisterOnShutdown(stopStreams) // live streams end, so shutdown need not wait for them
	servers := []*http.Server{site}
	errc := make(chan error, 2)
	go func() {
		if cfg.TLS() {
			errc <- site.ServeTLS(ln, "", "")
		} else {
			errc <- site.Serve(ln)
		}
	}()
	scheme := "http"
	if cfg.TLS() {
		scheme = "https"
	}
	filesAt := "embedded"
	if cfg.IPFSAPI != "" {
		filesAt = cfg.IPFSAPI
	}
	a.Logger.Info("acanban is serving", "url", scheme+"://"+ln.Addr().String(), "data", cfg.Data,
		"registration", cfg.Registration, "files", filesAt, "max_upload", cfg.MaxUpload)

	if cfg.HTTPListen != "" {
		rln, err := net.Listen("tcp", cfg.HTTPListen)
		if err != nil {
			site.Close()
			return fmt.Errorf("listen for the HTTPS redirect: %w", err)
		}
		rs := &http.Server{Handler: redirectToHTTPS(cfg.Domain), ReadHeaderTimeout: 10 * time.Second, ErrorLog: errLog}
		servers = append(servers, rs)
		go func() { errc <- rs.Serve(rln) }()
		a.Logger.Info("redirecting plain HTTP to HTTPS", "listen", rln.Addr().String(), "domain", cfg.Domain)
	}
	// The sweep stops with Serve, and a collection of file blocks under
	// way ends (between two batches) before the stores close.
	sweepCtx, stopSweep := context.WithCancel(ctx)
	var sweeping sync.WaitGroup
	sweeping.Go(func() { a.sweep(sweepCtx) })
	defer func() {
		stopSweep()
		sweeping.Wait()
	}()
	if cfg.Database != "" {
		go live.Listen(ctx, cfg.Database, a.Hub, a.Logger) // changes made through other instances
	}
	if ready != nil {
		ready(ln.Addr().String())
	}

	select {
	case err = <-errc:
		// A server stopped on its own: stop the others and report why.
	case <-ctx.Done():
		a.Logger.Info("shutting down: finishing requests in flight", "grace", ShutdownGrace)
	}
	sctx, cancel := context.WithTimeout(context.Background(), ShutdownGrace)
	defer cancel()
	for _, s := range servers {
		if serr := s.Shutdown(sctx); serr != nil {
			err = errors.Join(err, fmt.Errorf("shutdown: %w", serr))
		}
	}
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	a.Logger.Info("acanban stopped")
	return err
}

// redirectToHTTPS sends every plain-HTTP request to the same path on
// https://domain: 301 for GET and HEAD, 308 (which keeps the method and
// body) otherwise.
func redirectToHTTPS(domain string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		code := http.StatusPermanentRedirect
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			code = http.StatusMovedPermanently
		}
		http.Redirect(w, r, "https://"+domain+r.URL.RequestURI(), code)
	})
}

// sweep deletes expired sessions and old login failures every hour.
func (a *App) sweep(ctx context.Context) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for hour := 0; ; hour++ {
		if hour%FilesCollectHours == 0 {
			a.collectFiles(ctx)
		}
		now := time.Now()
		n, err := a.Store.DeleteExpiredSessions(ctx, now)
		if err == nil {
			err = a.Store.DeleteLoginFailures(ctx, now.Add(-accounts.LoginFailureWindow))
		}
		if err != nil && ctx.Err() == nil {
			a.Logger.Warn("sweeping expired sessions and login failures", "err", err)
		} else if n > 0 {
			a.Logger.Debug("deleted expired sessions", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// FilesCollectHours is how often the embedded file store drops the blocks
// no file record names (uploads cut short or refused), the first time at
// start.
const FilesCollectHours = 24

// FilesCollectGrace: a file added this recently is kept though no record
// names it yet (the record follows the upload by a moment).
const FilesCollectGrace = time.Hour

// collectFiles removes the blocks of the embedded file store that no file
// record names. Kubo keeps its own garbage collection.
func (a *App) collectFiles(ctx context.Context) {
	es, ok := a.Files.(*embedded.Store)
	if !ok {
		return
	}
	warn := func(msg string, args ...any) {
		if ctx.Err() == nil {
			a.Logger.Warn("collecting unused file blocks: "+msg, args...)
		}
	}
	// The blocks are those of one database's files: with another database
	// (a mistaken -database, an empty one) they would all look unused.
	same, err := a.sameDatabaseAsFiles(ctx)
	if err != nil {
		warn("identify the database", "err", err)
		return
	}
	if !same {
		warn("not done: the embedded file store was used with another database; if this is the right one, delete " +
			filepath.Join(a.Config.Data, filesDatabaseFile) + " and restart")
		return
	}
	keep, err := a.Store.FileCIDs(ctx)
	if err != nil {
		warn("list the files", "err", err)
		return
	}
	start := time.Now()
	got, err := es.Collect(ctx, keep, FilesCollectGrace)
	if got.NotCIDs > 0 {
		warn("the database names files by values that are not CIDs; skipped", "count", got.NotCIDs)
	}
	switch {
	case err != nil:
		warn("stopped", "err", err, "removed", got.Blocks)
	case got.Blocks > 0:
		a.Logger.Info("removed unused file blocks", "blocks", got.Blocks, "bytes", got.Bytes, "files_kept", len(keep), "took", time.Since(start))
	}
}

// filesDatabaseFile, in the data folder, names the database whose files
// the embedded file store holds.
const filesDatabaseFile = "ipfs-database"

// sameDatabaseAsFiles reports whether the database is the one the
// embedded file store's files were recorded in. The database's identity
// is a claim made once in it; the data folder keeps the first it meets.
func (a *App) sameDatabaseAsFiles(ctx context.Context) (bool, error) {
	id, err := a.Store.Claim(ctx, "database-identity", auth.NewToken())
	if err != nil {
		return false, err
	}
	path := filepath.Join(a.Config.Data, filesDatabaseFile)
	recorded, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return true, os.WriteFile(path, []byte(id), 0o600)
	}
	if err != nil {
		return false, err
	}
	return string(recorded) == id, nil
}

// LockDataFolder makes sure one server at a time uses the data folder: the
// SQLite file and the embedded file store belong to one process. The server
// takes the lock before opening anything, so that a second server is
// refused before it migrates or touches the first one's files.
func LockDataFolder(dir string) (unlock func(), err error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("data folder: %w", err)
	}
	path := filepath.Join(dir, "acanban.lock")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock data folder: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		b := make([]byte, 32)
		n, _ := f.Read(b)
		f.Close()
		pid := strings.TrimSpace(string(b[:n]))
		return nil, fmt.Errorf("another acanban server (pid %s) is using the data folder %s: one server per data folder; "+
			"run several instances only with a shared database and file store", pid, dir)
	}
	f.Truncate(0)
	f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	return func() { f.Close() }, nil
}
