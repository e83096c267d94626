// Command acanban runs the Acanban server and its operator commands.
//
//	acanban [serve] [flags]          run the web server
//	acanban user add [flags]         create an account
//	acanban user import -file F      create the accounts of a CSV file
//	acanban user reset -username U   give an account a new password
//	acanban user disable|enable -username U
//	acanban invite create [flags]    print a one-use invitation token
//	acanban migrate [flags]          bring the database up to date and exit
//
// Every command takes the settings flags (-data, -database, -config …);
// "acanban serve -h" lists them.
package main

import (
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	_ "time/tzdata" // -timezone works on machines without the tz database

	"github.com/acanban/acanban/internal/accounts"
	"github.com/acanban/acanban/internal/app"
	"github.com/acanban/acanban/internal/config"
	"github.com/acanban/acanban/internal/domain"
)

const usage = `Acanban — the academic Kanban.

Usage:
  acanban [serve] [flags]        run the web server
  acanban user add [flags]       create an account
  acanban user import -file F    create the accounts of a CSV file (all or none)
  acanban user reset -username U print a new password for an account
  acanban user disable|enable -username U
                                 disable an account (no login) or enable it again
  acanban invite create [flags]  print a one-use invitation token
  acanban migrate [flags]        bring the database up to date and exit

Run "acanban COMMAND -h" for the flags of a command.
`

// errUsage marks a mistake on the command line (exit status 2).
var errUsage = errors.New("usage")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop() // a second signal stops the process at once
	}()
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	switch {
	case err == nil:
	case errors.Is(err, errUsage), errors.Is(err, flag.ErrHelp):
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "acanban:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(ctx, args, getenv, stderr)
	case "migrate":
		cfg, err := settings("migrate", args, getenv, stderr, nil)
		if err != nil {
			return err
		}
		if err := app.Migrate(ctx, cfg); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "the database is up to date")
		return nil
	case "user", "invite":
		sub := ""
		if len(args) > 0 {
			sub, args = args[0], args[1:]
		}
		switch {
		case cmd == "user" && sub == "add":
			return userAdd(ctx, args, getenv, stdout, stderr)
		case cmd == "user" && sub == "import":
			return userImport(ctx, args, getenv, stdout, stderr)
		case cmd == "user" && sub == "reset":
			return userReset(ctx, args, getenv, stdout, stderr)
		case cmd == "user" && (sub == "disable" || sub == "enable"):
			return userDisable(ctx, args, getenv, stdout, stderr, sub == "disable")
		case cmd == "invite" && sub == "create":
			return inviteCreate(ctx, args, getenv, stdout, stderr)
		}
		fmt.Fprintf(stderr, "acanban %s: unknown command %q\n\n%s", cmd, sub, usage)
		return errUsage
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprintf(stderr, "acanban: unknown command %q\n\n%s", cmd, usage)
	return errUsage
}

// settings parses args with the settings flags plus the command's own
// (added by extra) and returns the merged configuration.
func settings(name string, args []string, getenv func(string) string, stderr io.Writer, extra func(*flag.FlagSet)) (config.Config, error) {
	fs := flag.NewFlagSet("acanban "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	loader := config.Bind(fs)
	if extra != nil {
		extra(fs)
	}
	if err := fs.Parse(args); err != nil {
		return config.Config{}, err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "acanban %s: unexpected argument %q\n", name, fs.Arg(0))
		return config.Config{}, errUsage
	}
	cfg, err := loader.Load(getenv)
	if err != nil {
		return cfg, fmt.Errorf("settings: %w", err)
	}
	return cfg, nil
}

func serve(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	cfg, err := settings("serve", args, getenv, stderr, nil)
	if err != nil {
		return err
	}
	if !app.Shared(cfg) {
		// The SQLite file or the embedded blockstore belong to one server.
		unlock, err := app.LockDataFolder(cfg.Data)
		if err != nil {
			return err
		}
		defer unlock()
	}
	a, err := app.Open(ctx, cfg, cfg.Logger(os.Stderr))
	if err != nil {
		return err
	}
	defer a.Close()
	return a.Serve(ctx, nil)
}

func userAdd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var in accounts.NewUser
	cfg, err := settings("user add", args, getenv, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&in.Username, "username", "", "username (required): 2-32 of a-z 0-9 . _ -")
		fs.StringVar(&in.Password, "password", "", "password (required), at least 8 characters")
		fs.StringVar(&in.Name, "name", "", "full name (required)")
		fs.StringVar(&in.Email, "email", "", "email address (required)")
		fs.StringVar(&in.Role, "role", "", "student, supervisor, judge or assistant (required)")
		fs.StringVar(&in.Department, "department", "", "department")
		fs.StringVar(&in.StudentID, "student-id", "", "student ID")
		fs.BoolVar(&in.Admin, "admin", false, "make the account an administrator")
	})
	if err != nil {
		return err
	}
	if in.Role == "" {
		return errors.New("-role is required: student, supervisor, judge or assistant")
	}
	if err := in.Validate(); err != nil {
		return userError(err) // before opening, so that nothing is written
	}
	a, err := app.Open(ctx, cfg, cfg.Logger(os.Stderr))
	if err != nil {
		return err
	}
	defer a.Close()
	u, err := a.Accounts.Create(ctx, in)
	if err != nil {
		return userError(err)
	}
	admin := ""
	if u.Admin {
		admin = ", administrator"
	}
	fmt.Fprintf(stdout, "created %s %q (%s%s)\n", u.Role, u.Username, u.Name, admin)
	return nil
}

func userImport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var file string
	cfg, err := settings("user import", args, getenv, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&file, "file", "", "CSV file (required) whose first line names the columns: "+strings.Join(accounts.ImportColumns, ", "))
	})
	if err != nil {
		return err
	}
	if file == "" {
		return errors.New("-file is required: a CSV file whose first line names the columns " + strings.Join(accounts.ImportColumns, ", "))
	}
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	rows, err := accounts.ParseCSV(f)
	if err == nil {
		err = accounts.ValidateImport(rows) // before opening, so that nothing is written
	}
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	a, err := app.Open(ctx, cfg, cfg.Logger(os.Stderr))
	if err != nil {
		return err
	}
	defer a.Close()
	imported, err := a.Accounts.Import(ctx, rows)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	// The accounts created, as CSV, with the passwords generated for the
	// rows that had none: to hand to their owners.
	w := csv.NewWriter(stdout)
	w.Write([]string{"username", "name", "role", "generated_password"})
	for _, im := range imported {
		w.Write([]string{im.User.Username, im.User.Name, string(im.User.Role), im.Generated})
	}
	w.Flush()
	fmt.Fprintf(stderr, "created %d accounts\n", len(imported))
	return w.Error()
}

func userReset(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	return onAccount(ctx, "user reset", "the account (required) to give a new password, printed once", args, getenv, stderr,
		func(a *app.App, username string) error {
			u, password, err := a.Accounts.ResetPassword(ctx, username)
			if err != nil {
				return userError(err)
			}
			fmt.Fprintln(stdout, password)
			fmt.Fprintf(stderr, "new password of %q; their sessions have ended\n", u.Username)
			return nil
		})
}

func userDisable(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer, disable bool) error {
	name := "user enable"
	if disable {
		name = "user disable"
	}
	return onAccount(ctx, name, "the account (required)", args, getenv, stderr, func(a *app.App, username string) error {
		u, err := a.Accounts.SetDisabled(ctx, domain.User{}, username, disable)
		if err != nil {
			return userError(err)
		}
		if u.Disabled {
			fmt.Fprintf(stdout, "disabled %q: it cannot log in, and its sessions have ended\n", u.Username)
		} else {
			fmt.Fprintf(stdout, "enabled %q: it can log in again\n", u.Username)
		}
		return nil
	})
}

// onAccount parses the settings and the -username of command name, opens
// the stores and runs fn on the account named.
func onAccount(ctx context.Context, name, usage string, args []string, getenv func(string) string, stderr io.Writer,
	fn func(a *app.App, username string) error) error {
	var username string
	cfg, err := settings(name, args, getenv, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&username, "username", "", usage)
	})
	if err != nil {
		return err
	}
	if username == "" {
		return errors.New("-username is required")
	}
	a, err := app.Open(ctx, cfg, cfg.Logger(os.Stderr))
	if err != nil {
		return err
	}
	defer a.Close()
	return fn(a, username)
}

func inviteCreate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var role, department string
	cfg, err := settings("invite create", args, getenv, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&role, "role", "", "role of the invited account (required): student, supervisor, judge or assistant")
		fs.StringVar(&department, "department", "", "department of the invited account")
	})
	if err != nil {
		return err
	}
	if role == "" {
		return errors.New("-role is required: student, supervisor, judge or assistant")
	}
	if err := accounts.ValidateInvite(role, department); err != nil {
		return userError(err) // before opening, so that nothing is written
	}
	a, err := app.Open(ctx, cfg, cfg.Logger(os.Stderr))
	if err != nil {
		return err
	}
	defer a.Close()
	token, err := a.Accounts.Invite(ctx, nil, role, department)
	if err != nil {
		return userError(err)
	}
	fmt.Fprintln(stdout, token)
	return nil
}

// userError prefixes a domain error with its field, as a flag name.
func userError(err error) error {
	var de *domain.Error
	if errors.As(err, &de) && de.Field != "" {
		return fmt.Errorf("-%s: %s", strings.ReplaceAll(de.Field, "_", "-"), de.Message)
	}
	return err
}
