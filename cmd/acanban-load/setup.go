package main

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// The accounts and projects of a run are named after the prefix, so that a
// later run with the same prefix finds them again: user i (from 0) is
// PREFIX<i+1> with password load-password-<i+1>; project g (from 0) is
// "PREFIX project <g+1>", created by user g, and user i is a member of
// project i mod projects.

func (cfg *Config) username(i int) string { return fmt.Sprintf("%s%d", cfg.Prefix, i+1) }
func (cfg *Config) password(i int) string { return fmt.Sprintf("load-password-%d", i+1) }
func (cfg *Config) group(i int) int       { return i % cfg.Projects }
func (cfg *Config) projectName(g int) string {
	return fmt.Sprintf("%s project %d", cfg.Prefix, g+1)
}

// members returns the users of project g, its creator first.
func (cfg *Config) members(g int) []int {
	var m []int
	for i := g; i < cfg.Users; i += cfg.Projects {
		m = append(m, i)
	}
	return m
}

// setup creates the users, their projects, the projects' tasks and a first
// report revision each, or finds them made by an earlier run.
func setup(ctx context.Context, cfg *Config, tr http.RoundTripper) error {
	start := time.Now()
	clients := make([]*client, cfg.Users)
	var existing atomic.Int64
	err := forEach(ctx, cfg.Users, cfg.SetupConcurrency, "setup: users registered", cfg.Log, func(ctx context.Context, i int) error {
		c := newClient(cfg.Target, tr, cfg.Timeout)
		existed, err := register(ctx, cfg, c, i)
		if existed {
			existing.Add(1)
		}
		clients[i] = c
		return err
	})
	if err != nil {
		return err
	}
	if n := existing.Load(); n > 0 {
		fmt.Fprintf(cfg.Log, "setup: %d of the %d users existed already (logged in instead)\n", n, cfg.Users)
	}
	var reused, tasks, uploads atomic.Int64
	err = forEach(ctx, cfg.Projects, cfg.SetupConcurrency, "setup: projects ready", cfg.Log, func(ctx context.Context, g int) error {
		st, err := setupProject(ctx, cfg, clients, g)
		if st.reused {
			reused.Add(1)
		}
		tasks.Add(int64(st.tasks))
		uploads.Add(int64(st.uploads))
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(cfg.Log, "setup: done in %.1f s: %d users, %d projects (%d reused), %d tasks and %d report revisions created\n",
		time.Since(start).Seconds(), cfg.Users, cfg.Projects, reused.Load(), tasks.Load(), uploads.Load())
	return nil
}

// register creates user i, or logs in if the username is taken (by an
// earlier run, presumably). c keeps the session.
func register(ctx context.Context, cfg *Config, c *client, i int) (existed bool, err error) {
	name := cfg.username(i)
	_, err = c.post(ctx, "/register", url.Values{
		"username": {name}, "password": {cfg.password(i)}, "role": {"student"},
		"name": {fmt.Sprintf("Load User %d", i+1)}, "email": {name + "@load.example"},
	})
	var se *statusError
	if errors.As(err, &se) && se.status == http.StatusConflict {
		if err := login(ctx, cfg, c, i); err != nil {
			return true, fmt.Errorf("%s exists (%s) but: %w", name, se.message, err)
		}
		return true, nil
	}
	if err != nil {
		return false, fmt.Errorf("register %s: %w", name, err)
	}
	return false, nil
}

// login logs user i in on c.
func login(ctx context.Context, cfg *Config, c *client, i int) error {
	_, err := c.post(ctx, "/login", url.Values{"username": {cfg.username(i)}, "password": {cfg.password(i)}})
	if err != nil {
		return fmt.Errorf("log in as %s: %w", cfg.username(i), err)
	}
	return nil
}

type projectSetup struct {
	reused         bool
	tasks, uploads int
}

var (
	dashboardProjectRe = regexp.MustCompile(`<a href="/p/(\d+)/info" class="pname">([^<]*)</a>`)
	projectLocationRe  = regexp.MustCompile(`^/p/(\d+)(/|$)`)
	taskLinkRe         = regexp.MustCompile(`href="/p/\d+/tasks/(\d+)"`)
	taskLocationRe     = regexp.MustCompile(`^/p/\d+/tasks/(\d+)`)
	fileLinkRe         = regexp.MustCompile(`href="(/ipfs/[^"]+)"`)
)

// dashboardProjects returns the projects on a dashboard page, id by name.
func dashboardProjects(page []byte) (ids []int, names []string) {
	for _, m := range dashboardProjectRe.FindAllSubmatch(page, -1) {
		id, _ := strconv.Atoi(string(m[1]))
		ids = append(ids, id)
		names = append(names, html.UnescapeString(string(m[2])))
	}
	return ids, names
}

// maxTask is the highest task number linked from a board.
func maxTask(board []byte) int {
	n := 0
	for _, m := range taskLinkRe.FindAllSubmatch(board, -1) {
		k, _ := strconv.Atoi(string(m[1]))
		n = max(n, k)
	}
	return n
}

// fileLinks are the download links (path and query) of a report page.
func fileLinks(page []byte) []string {
	var links []string
	for _, m := range fileLinkRe.FindAllSubmatch(page, -1) {
		links = append(links, html.UnescapeString(string(m[1])))
	}
	return links
}

// setupProject makes project g ready: created by its first member (or
// found on their dashboard), every member invited, cfg.Tasks tasks, and a
// report revision to download.
func setupProject(ctx context.Context, cfg *Config, clients []*client, g int) (projectSetup, error) {
	var st projectSetup
	members := cfg.members(g)
	owner := clients[members[0]]
	name := cfg.projectName(g)
	dash, err := owner.get(ctx, "/")
	if err != nil {
		return st, fmt.Errorf("dashboard of %s: %w", cfg.username(members[0]), err)
	}
	id := 0
	ids, names := dashboardProjects(dash)
	for k := range ids {
		if names[k] == name {
			id, st.reused = ids[k], true
			break
		}
	}
	if id == 0 {
		loc, err := owner.post(ctx, "/p/create", url.Values{"name": {name},
			"description": {"A project of the **acanban-load** generator: " + cfg.Prefix + " users work here."}})
		if err != nil {
			return st, fmt.Errorf("create project %q: %w", name, err)
		}
		m := projectLocationRe.FindStringSubmatch(loc)
		if m == nil {
			return st, fmt.Errorf("create project %q: the answer redirects to %q, not to /p/{id}/info", name, loc)
		}
		id, _ = strconv.Atoi(m[1])
	}
	p := fmt.Sprintf("/p/%d", id)
	for _, i := range members[1:] {
		_, err := owner.post(ctx, p+"/invite", url.Values{"username": {cfg.username(i)}})
		var se *statusError
		if errors.As(err, &se) && se.status == http.StatusConflict {
			continue // a member already
		}
		if err != nil {
			return st, fmt.Errorf("invite %s to %q: %w", cfg.username(i), name, err)
		}
	}
	board, err := owner.get(ctx, p+"/tasks")
	if err != nil {
		return st, fmt.Errorf("board of %q: %w", name, err)
	}
	for n := maxTask(board) + 1; n <= cfg.Tasks; n++ {
		assignee := cfg.username(members[n%len(members)])
		_, err := owner.post(ctx, p+"/tasks/create", url.Values{"name": {fmt.Sprintf("Task %d of %s", n, name)},
			"description": {"Set up by the load generator. Assigned to @" + assignee + "."}, "assignee": {assignee}})
		if err != nil {
			return st, fmt.Errorf("create a task in %q: %w", name, err)
		}
		st.tasks++
	}
	report, err := owner.get(ctx, p+"/report")
	if err != nil {
		return st, fmt.Errorf("report tab of %q: %w", name, err)
	}
	if len(fileLinks(report)) == 0 {
		body, ct := reportUpload(cfg.username(members[0]), 0, time.Now())
		r, err := owner.do(ctx, request{method: http.MethodPost, path: p + "/report/upload", body: body, contentType: ct})
		if err == nil && r.status != http.StatusSeeOther {
			err = fmt.Errorf("%d %s instead of 303 See Other", r.status, http.StatusText(r.status))
		}
		if err != nil {
			return st, fmt.Errorf("upload a report revision to %q: %w", name, err)
		}
		st.uploads++
	}
	return st, nil
}

// forEach runs fn(i) for i in [0, n) on at most conc goroutines, stopping
// at the first error, and reports progress on log every 2 s as "label
// done/n".
func forEach(ctx context.Context, n, conc int, label string, log io.Writer, fn func(ctx context.Context, i int) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var next, done atomic.Int64
	var wg sync.WaitGroup
	for range min(conc, n) {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if err := fn(ctx, i); err != nil {
					cancel(err)
					return
				}
				done.Add(1)
			}
		})
	}
	finished := make(chan struct{})
	go func() { wg.Wait(); close(finished) }()
	start := time.Now()
	tick := time.NewTicker(2 * time.Second)
	defer tick.Stop()
	for {
		select {
		case <-tick.C:
			k := done.Load()
			fmt.Fprintf(log, "%s: %d/%d (%.0f/s)\n", label, k, n, float64(k)/time.Since(start).Seconds())
		case <-finished:
			if err := context.Cause(ctx); err != nil {
				return err
			}
			fmt.Fprintf(log, "%s: %d/%d in %.1f s\n", label, n, n, time.Since(start).Seconds())
			return nil
		}
	}
}
