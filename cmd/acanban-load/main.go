// Command acanban-load is a load generator for Acanban, to measure a
// server and size a deployment.
//
// It first creates (or finds, made by an earlier run with the same -prefix)
// the users, projects, tasks and a report revision per project, then runs
// -users simulated students for -duration. Each logs in once and loops over
// a weighted mix of actions — dashboard, board, task page, comment, move a
// card, create a task, report tab, upload a report revision, download a
// file — with an exponential think time between them. It prints a progress
// line while running, then throughput, latency percentiles per action and
// overall, and errors by kind; -json writes the same as JSON.
//
//	acanban-load -target http://127.0.0.1:8080 -users 200 -duration 60s
//
// Exit status: 0 without errors, 1 when the run could not be made, 2 for
// a mistake on the command line, 3 when some requests failed.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Config is a run's settings.
type Config struct {
	Target           string        // base URL of the server, without a trailing slash
	Users            int           // simulated users
	Projects         int           // projects they are spread over; 0 means Users/5
	Tasks            int           // tasks per project made by the setup
	Duration         time.Duration // of the measured run
	Think            time.Duration // mean think time between actions; 0 for none
	Prefix           string        // of the usernames
	JSONFile         string        // where to write the report as JSON, if not ""
	SetupOnly        bool          // make the users and projects, do not run
	SkipSetup        bool          // reuse the users and projects of an earlier setup
	SetupConcurrency int           // setup and log-in requests at once
	Timeout          time.Duration // of one request
	Seed             uint64        // of the random choices; 0 means from the clock
	Saturate         []string      // paths to request with no think time, instead of the mix
	Connections      int           // connections of a saturation run

	Out io.Writer // the report
	Log io.Writer // progress
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop() // a second signal stops the process at once
	}()
	cfg, err := parseFlags(os.Args[1:], os.Stderr)
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "acanban-load:", err)
		}
		os.Exit(2)
	}
	cfg.Out, cfg.Log = os.Stdout, os.Stderr
	rep, err := run(ctx, cfg)
	stop()
	switch {
	case err != nil:
		fmt.Fprintln(os.Stderr, "acanban-load:", err)
		os.Exit(1)
	case rep != nil && rep.Errors > 0:
		os.Exit(3)
	}
}

// parseFlags reads the command line into a checked Config.
func parseFlags(args []string, stderr io.Writer) (*Config, error) {
	fs := flag.NewFlagSet("acanban-load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg := &Config{}
	fs.StringVar(&cfg.Target, "target", "", "base `URL` of the Acanban server (required), e.g. http://127.0.0.1:8080")
	fs.IntVar(&cfg.Users, "users", 100, "simulated users (students) working at the same time")
	fs.DurationVar(&cfg.Duration, "duration", 60*time.Second, "length of the measured run")
	fs.DurationVar(&cfg.Think, "think", time.Second, "mean of the exponential think time between a user's actions (0: none)")
	fs.IntVar(&cfg.Projects, "projects", 0, "projects the users are spread over (default users/5)")
	fs.IntVar(&cfg.Tasks, "tasks", 10, "tasks per project made by the setup")
	fs.StringVar(&cfg.Prefix, "prefix", "load", "prefix of the usernames (PREFIX1, PREFIX2 …) and project names")
	fs.StringVar(&cfg.JSONFile, "json", "", "also write the report as JSON to `FILE`")
	fs.BoolVar(&cfg.SetupOnly, "setup-only", false, "create the users and projects, then stop")
	fs.BoolVar(&cfg.SkipSetup, "skip-setup", false, "reuse the users and projects of an earlier run with the same -prefix")
	fs.IntVar(&cfg.SetupConcurrency, "concurrency-setup", 8, "setup and log-in requests at once (each costs the server a password hash)")
	fs.DurationVar(&cfg.Timeout, "timeout", 30*time.Second, "timeout of one request")
	fs.Uint64Var(&cfg.Seed, "seed", 0, "seed of the random choices, to repeat a run's mix (default: from the clock)")
	saturate := fs.String("saturate", "", "comma-separated `paths` to request as fast as possible, as the first user, one after the other, instead of the mix; /bench/bytes stands for a fixed byte slice of the first path's size (server started with -bench-routes)")
	fs.IntVar(&cfg.Connections, "connections", 64, "connections of a -saturate run")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "Usage: acanban-load -target URL [flags]\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q (flags only; see -h)", fs.Arg(0))
	}
	cfg.Saturate = parseSaturate(*saturate)
	return cfg, cfg.check()
}

// check validates cfg and fills in the defaults.
func (cfg *Config) check() error {
	if cfg.Target == "" {
		return errors.New("-target URL is required, e.g. -target http://127.0.0.1:8080")
	}
	u, err := url.Parse(cfg.Target)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("-target %q is not an http:// or https:// URL", cfg.Target)
	}
	cfg.Target = strings.TrimRight(cfg.Target, "/")
	if cfg.Users < 1 {
		return fmt.Errorf("-users %d: at least 1", cfg.Users)
	}
	if cfg.Projects == 0 {
		cfg.Projects = max(1, cfg.Users/5)
	}
	if cfg.Projects < 1 || cfg.Projects > cfg.Users {
		return fmt.Errorf("-projects %d: between 1 and -users (%d); each project is created by one of them", cfg.Projects, cfg.Users)
	}
	if cfg.Tasks < 0 {
		return fmt.Errorf("-tasks %d: not negative", cfg.Tasks)
	}
	if cfg.Duration <= 0 && !cfg.SetupOnly {
		return fmt.Errorf("-duration %v: more than 0", cfg.Duration)
	}
	if cfg.Think < 0 {
		return fmt.Errorf("-think %v: not negative", cfg.Think)
	}
	if cfg.SetupOnly && cfg.SkipSetup {
		return errors.New("-setup-only and -skip-setup exclude each other")
	}
	if cfg.SetupConcurrency < 1 {
		return fmt.Errorf("-concurrency-setup %d: at least 1", cfg.SetupConcurrency)
	}
	if cfg.Timeout <= 0 {
		return fmt.Errorf("-timeout %v: more than 0", cfg.Timeout)
	}
	cfg.Prefix = strings.ToLower(cfg.Prefix)
	if cfg.Prefix == "" || strings.Trim(cfg.Prefix, "abcdefghijklmnopqrstuvwxyz0123456789._-") != "" {
		return fmt.Errorf("-prefix %q: letters a–z, digits and . _ - only (it starts usernames)", cfg.Prefix)
	}
	if n := len(cfg.username(cfg.Users - 1)); n > 32 {
		return fmt.Errorf("-prefix %q: too long, usernames would have %d characters (at most 32)", cfg.Prefix, n)
	}
	if cfg.Seed == 0 {
		cfg.Seed = uint64(time.Now().UnixNano())
	}
	if cfg.Out == nil {
		cfg.Out = io.Discard
	}
	if cfg.Log == nil {
		cfg.Log = io.Discard
	}
	return nil
}

// run makes the setup (unless cfg.SkipSetup), then the measured run
// (unless cfg.SetupOnly), prints its report on cfg.Out and writes it to
// cfg.JSONFile. An interruption (ctx done) during the run ends it early
// with the report of what was done.
func run(ctx context.Context, cfg *Config) (*Report, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	tr := newTransport(cfg.Users + cfg.SetupConcurrency)
	defer tr.CloseIdleConnections()
	if !cfg.SkipSetup {
		if err := setup(ctx, cfg, tr); err != nil {
			return nil, interrupted(ctx, fmt.Errorf("setup: %w", err))
		}
	}
	if cfg.SetupOnly {
		return nil, nil
	}
	if len(cfg.Saturate) > 0 {
		ss, err := saturate(ctx, cfg)
		if err != nil {
			return nil, interrupted(ctx, err)
		}
		printSaturation(cfg.Out, ss)
		return &Report{}, nil
	}

	logins := newRecorder()
	users := make([]*vuser, cfg.Users)
	set := &projectSet{}
	err := forEach(ctx, cfg.Users, cfg.SetupConcurrency, "users logged in", cfg.Log, func(ctx context.Context, i int) error {
		var err error
		users[i], err = join(ctx, cfg, tr, set, i, logins)
		return err
	})
	if err != nil {
		return nil, interrupted(ctx, err)
	}

	rep := simulate(ctx, cfg, users)
	rep.Login = &logins.report([]string{"login"}).Actions[0].Summary
	rep.print(cfg.Out)
	if ctx.Err() != nil {
		fmt.Fprintf(cfg.Log, "interrupted: the report covers the first %.1f s\n", rep.ElapsedSeconds)
	}
	if cfg.JSONFile != "" {
		if err := rep.writeJSON(cfg.JSONFile); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

// interrupted says so if err comes from the end of ctx.
func interrupted(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("interrupted (%v)", err)
	}
	return err
}

// simulate runs the users for cfg.Duration, printing progress, and
// returns the report.
func simulate(ctx context.Context, cfg *Config, users []*vuser) *Report {
	rec := newRecorder()
	stop, cancel := context.WithTimeout(ctx, cfg.Duration)
	defer cancel()
	start := time.Now()
	fmt.Fprintf(cfg.Log, "running %d users for %v (think %v mean)\n", len(users), cfg.Duration, cfg.Think)
	var wg sync.WaitGroup
	for _, u := range users {
		wg.Go(func() { u.loop(ctx, stop, rec) })
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	every := min(5*time.Second, max(2*time.Second, cfg.Duration/20))
	tick := time.NewTicker(every)
	defer tick.Stop()
	var lastN int64
	lastT := start
	for waiting := true; waiting; {
		select {
		case now := <-tick.C:
			n := rec.requests.Load()
			fmt.Fprintf(cfg.Log, "%6.1f s  %8d requests  %7.1f req/s (%7.1f now)  %d errors\n",
				now.Sub(start).Seconds(), n, float64(n)/now.Sub(start).Seconds(),
				float64(n-lastN)/now.Sub(lastT).Seconds(), rec.errors.Load())
			lastN, lastT = n, now
		case <-done:
			waiting = false
		}
	}
	elapsed := time.Since(start)
	rep := rec.report(actionNames)
	rep.Target, rep.Users, rep.Projects = cfg.Target, cfg.Users, cfg.Projects
	rep.ThinkMeanMS = ms(cfg.Think)
	rep.Started = start.UTC().Truncate(time.Millisecond)
	rep.ElapsedSeconds = float64(elapsed.Round(time.Millisecond)) / 1e9
	if elapsed > 0 {
		rep.Throughput = float64(int64(float64(rep.Requests)/elapsed.Seconds()*10)) / 10
	}
	return rep
}
