// Package app wires Acanban together from its settings: the data folder,
// the store, the account services and the web application. The server and
// the operator commands all start here.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"

	"github.com/acanban/acanban/internal/accounts"
	"github.com/acanban/acanban/internal/auth"
	"github.com/acanban/acanban/internal/config"
	"github.com/acanban/acanban/internal/files"
	"github.com/acanban/acanban/internal/files/embedded"
	"github.com/acanban/acanban/internal/files/kubo"
	"github.com/acanban/acanban/internal/grading"
	"github.com/acanban/acanban/internal/live"
	"github.com/acanban/acanban/internal/projects"
	"github.com/acanban/acanban/internal/store"
	"github.com/acanban/acanban/internal/store/postgres"
	"github.com/acanban/acanban/internal/store/sqlite"
	"github.com/acanban/acanban/internal/store/sqlstore"
)

// App is an opened Acanban: its store and services.
type App struct {
	Config   config.Config
	Logger   *slog.Logger
	Store    store.Store
	Files    files.Files
	Accounts *accounts.Service
	Projects *projects.Service
	Grading  *grading.Service
	Sessions *auth.Sessions
	// Hub wakes this instance's live connections; with PostgreSQL, Serve
	// listens for the other instances' changes and feeds it.
	Hub *live.Hub
}

// Open creates the data folder if needed, opens the store (applying
// migrations) and builds the services.
func Open(ctx context.Context, cfg config.Config, logger *slog.Logger) (*App, error) {
	if err := os.MkdirAll(cfg.Data, 0o700); err != nil {
		return nil, fmt.Errorf("data folder: %w", err)
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	fs, err := openFiles(cfg)
	if err == nil && cfg.Database != "" && cfg.IPFSAPI == "" {
		err = claimEmbeddedFiles(ctx, st, cfg.Data)
	}
	if err != nil {
		if fs != nil {
			fs.Close()
		}
		st.Close()
		return nil, err
	}
	hasher := auth.NewHasher(auth.DefaultParams, runtime.NumCPU())
	hub := live.NewHub()
	var notifier live.Notifier = live.Local{Hub: hub}
	if pg, ok := st.(*sqlstore.Store); ok && cfg.Database != "" {
		notifier = live.Postgres{DB: pg.DB()}
	}
	ps := &projects.Service{Store: st, Files: fs, Live: notifier}
	return &App{
		Config:   cfg,
		Logger:   logger,
		Store:    st,
		Files:    fs,
		Accounts: &accounts.Service{Store: st, Hasher: hasher},
		Projects: ps,
		Grading:  &grading.Service{Store: st, Projects: ps, Scale: cfg.Scale},
		Hub:      hub,
		Sessions: &auth.Sessions{Store: st, Lifetime: auth.DefaultLifetime, RememberLifetime: auth.DefaultRememberLifetime},
	}, nil
}

func openStore(ctx context.Context, cfg config.Config) (store.Store, error) {
	if cfg.Database != "" {
		return postgres.Open(ctx, cfg.Database)
	}
	return sqlite.Open(ctx, filepath.Join(cfg.Data, "acanban.db"))
}

// Shared reports whether the settings make a stateless instance, one of
// many: a shared database and a shared file store. Otherwise the data
// folder belongs to one server.
func Shared(cfg config.Config) bool { return cfg.Database != "" && cfg.IPFSAPI != "" }

// Migrate brings the database up to date and returns.
func Migrate(ctx context.Context, cfg config.Config) error {
	if cfg.Database == "" {
		if err := os.MkdirAll(cfg.Data, 0o700); err != nil {
			return fmt.Errorf("data folder: %w", err)
		}
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	return st.Close()
}

// openFiles opens the file store: a Kubo node when -ipfs-api is set, else
// the embedded IPFS blockstore in the data folder.
func openFiles(cfg config.Config) (files.Files, error) {
	if cfg.IPFSAPI != "" {
		return kubo.New(cfg.IPFSAPI)
	}
	return embedded.Open(filepath.Join(cfg.Data, "ipfs"))
}

// claimEmbeddedFiles makes sure a shared database goes with one embedded
// file store: a second data folder would hold other files, and downloads
// through one instance of files uploaded through another would fail. The
// data folder gets an identity, recorded in the database by the first.
func claimEmbeddedFiles(ctx context.Context, st store.Store, data string) error {
	path := filepath.Join(data, "ipfs-identity")
	id, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		id = []byte(auth.NewToken())
		err = os.WriteFile(path, id, 0o600)
	}
	if err != nil {
		return fmt.Errorf("data folder identity: %w", err)
	}
	holder, err := st.Claim(ctx, "embedded-files", string(id))
	if err != nil {
		return err
	}
	if holder != string(id) {
		return errors.New("this database goes with the embedded file store of another data folder: " +
			"several instances need a shared file store (-ipfs-api http://…); one instance must keep its data folder")
	}
	return nil
}

// Close closes the stores.
func (a *App) Close() error { return errors.Join(a.Files.Close(), a.Store.Close()) }
