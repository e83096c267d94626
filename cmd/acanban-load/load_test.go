package main

// End-to-end: build the real server, start it on a free port with a fresh
// data folder, and run the generator against it in-process.

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/acanban/acanban/internal/proctest"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// startServer builds ./cmd/acanban and runs it on 127.0.0.1 with a fresh
// data folder until the test ends; it returns the base URL.
func startServer(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "acanban")
	build := exec.Command("go", "build", "-o", bin, "../acanban")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ../acanban: %v\n%s", err, out)
	}
	for attempt := 1; ; attempt++ {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		data := filepath.Join(dir, fmt.Sprintf("data%d", attempt))
		var logs proctest.Buffer
		cmd := exec.Command(bin, "-listen", addr, "-data", data, "-bench-routes")
		cmd.Stdout, cmd.Stderr = &logs, &logs
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan struct{})
		go func() { cmd.Wait(); close(exited) }()
		stop := func() {
			cmd.Process.Kill()
			<-exited
		}
		base := "http://" + addr
		err = waitHealthy(base, exited, 30*time.Second)
		if err == nil {
			t.Cleanup(func() {
				stop()
				if t.Failed() {
					t.Logf("server log (last 4 KB):\n%s", tail(logs.String(), 4096))
				}
			})
			return base
		}
		stop()
		if attempt < 3 && strings.Contains(logs.String(), "address already in use") {
			continue // the port was taken in the meantime
		}
		t.Fatalf("the server did not come up on %s: %v\n%s", addr, err, logs.String())
	}
}

func waitHealthy(base string, exited <-chan struct{}, timeout time.Duration) error {
	c := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(timeout)
	for {
		select {
		case <-exited:
			return fmt.Errorf("the server exited")
		default:
		}
		resp, err := c.Get(base + "/healthz")
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no 200 from /healthz in %v (last: %v)", timeout, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

func TestLoadEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the server")
	}
	base := startServer(t)
	jsonFile := filepath.Join(t.TempDir(), "report.json")
	var out, log proctest.Buffer
	cfg := &Config{Target: base, Users: 5, Projects: 2, Tasks: 3, Duration: 3 * time.Second,
		Think: 50 * time.Millisecond, Prefix: "e2e", JSONFile: jsonFile, SetupConcurrency: 4,
		Timeout: 30 * time.Second, Seed: 42, Out: &out, Log: &log}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	rep, err := run(ctx, cfg)
	t.Logf("log:\n%s\nreport:\n%s", log.String(), out.String())
	if err != nil {
		t.Fatalf("run: %v", err)
	}

	if rep.Errors != 0 {
		t.Errorf("%d errors: %v, e.g. %v", rep.Errors, rep.ErrorsByKind, rep.ErrorExamples)
	}
	if rep.Requests < 50 {
		t.Errorf("only %d requests in 3 s with 5 users thinking 50 ms", rep.Requests)
	}
	seen := map[string]ActionReport{}
	for _, a := range rep.Actions {
		seen[a.Action] = a
	}
	for _, name := range actionNames {
		a, ok := seen[name]
		if !ok || a.Requests == 0 {
			t.Errorf("action %s: %d requests in the report", name, a.Requests)
			continue
		}
		if a.P50MS <= 0 || a.P50MS > a.P90MS || a.P90MS > a.P99MS || a.P99MS > a.MaxMS {
			t.Errorf("action %s: percentiles not ordered: %+v", name, a.Summary)
		}
	}
	if rep.Login == nil || rep.Login.Requests != 5 {
		t.Errorf("login summary %+v, want 5 log-ins", rep.Login)
	}
	for _, want := range []string{"overall", "p99", "create_task", "no errors"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("printed report lacks %q", want)
		}
	}
	if !strings.Contains(log.String(), "requests") || !strings.Contains(log.String(), "req/s") {
		t.Errorf("no progress line in the log:\n%s", log.String())
	}

	b, err := os.ReadFile(jsonFile)
	if err != nil {
		t.Fatal(err)
	}
	var parsed Report
	if err := json.Unmarshal(b, &parsed); err != nil {
		t.Fatalf("the JSON report does not parse: %v\n%s", err, b)
	}
	if parsed.Requests != rep.Requests || len(parsed.Actions) != len(rep.Actions) || parsed.Overall != rep.Overall ||
		parsed.Target != base || parsed.Users != 5 || parsed.Projects != 2 || parsed.Throughput <= 0 {
		t.Errorf("the JSON report differs from the printed one:\n%s", b)
	}

	// A second setup with the same prefix reuses everything: no project
	// is created twice, and -skip-setup finds the users again.
	var log2 proctest.Buffer
	again := *cfg
	again.SetupOnly, again.JSONFile, again.Out, again.Log = true, "", io.Discard, &log2
	if _, err := run(ctx, &again); err != nil {
		t.Fatalf("second setup: %v\n%s", err, log2.String())
	}
	if s := log2.String(); !strings.Contains(s, "5 of the 5 users existed") || !strings.Contains(s, "2 projects (2 reused)") {
		t.Errorf("the second setup did not reuse the users and projects:\n%s", s)
	}
	skip := *cfg
	skip.SkipSetup, skip.Duration, skip.JSONFile, skip.Out, skip.Log = true, time.Second, "", io.Discard, io.Discard
	rep, err = run(ctx, &skip)
	if err != nil {
		t.Fatalf("run with -skip-setup: %v", err)
	}
	if rep.Errors != 0 || rep.Requests == 0 {
		t.Errorf("run with -skip-setup: %d requests, %d errors (%v)", rep.Requests, rep.Errors, rep.ErrorExamples)
	}
}

func TestFlags(t *testing.T) {
	cfg, err := parseFlags([]string{"-target", "http://127.0.0.1:1/", "-users", "12"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Target != "http://127.0.0.1:1" || cfg.Projects != 2 || cfg.Tasks != 10 || cfg.Think != time.Second ||
		cfg.Duration != time.Minute || cfg.Prefix != "load" || cfg.SetupConcurrency < 1 {
		t.Errorf("defaults: %+v", cfg)
	}
	if cfg.username(0) != "load1" || cfg.password(11) != "load-password-12" || cfg.group(7) != 1 {
		t.Errorf("naming: %s %s %d", cfg.username(0), cfg.password(11), cfg.group(7))
	}
	if m := cfg.members(1); len(m) != 6 || m[0] != 1 || m[1] != 3 {
		t.Errorf("members of project 1: %v", m)
	}
	for _, args := range [][]string{
		{},
		{"-target", "ftp://x"},
		{"-target", "http://x", "-users", "0"},
		{"-target", "http://x", "-users", "3", "-projects", "4"},
		{"-target", "http://x", "-prefix", "Bad Prefix"},
		{"-target", "http://x", "-setup-only", "-skip-setup"},
		{"-target", "http://x", "extra"},
	} {
		if _, err := parseFlags(args, io.Discard); err == nil {
			t.Errorf("parseFlags(%q) accepted", args)
		}
	}
}

// TestSaturate: after a setup, -saturate requests the board and a fixed
// byte slice of its size as fast as it can and prints their ratio.
func TestSaturate(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the server")
	}
	base := startServer(t)
	var out, log proctest.Buffer
	cfg := &Config{Target: base, Users: 2, Projects: 1, Tasks: 5, Duration: time.Second, Prefix: "sat",
		SetupConcurrency: 2, Timeout: 30 * time.Second, Out: &out, Log: &log, SetupOnly: true}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := run(ctx, cfg); err != nil {
		t.Fatalf("setup: %v", err)
	}
	cfg.SetupOnly, cfg.SkipSetup = false, true
	cfg.Saturate, cfg.Connections = []string{"/p/1/tasks", "/bench/bytes"}, 4
	ss, err := saturate(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(ss) != 4 {
		t.Fatalf("saturation = %+v; want two paths in two encodings", ss)
	}
	for i, s := range ss {
		if s.Bytes == 0 || s.Bytes != ss[0].Bytes || s.Requests == 0 || s.Errors != 0 {
			t.Errorf("saturation %d = %+v; want answered, the slice as large as the board, no errors", i, s)
		}
		// Compressed on the wire when gzip was accepted, whole otherwise.
		if enc := saturationEncodings[i/2]; s.Encoding != enc || (enc == "gzip") != (s.WireBytes < s.Bytes/2) || enc == "identity" && s.WireBytes != s.Bytes {
			t.Errorf("saturation %d = %+v; want %s with the bytes on the wire to match", i, s, enc)
		}
	}
	printSaturation(&out, ss)
	for _, enc := range saturationEncodings {
		if !strings.Contains(out.String(), "ratio /p/1/tasks / /bench/bytes/"+strconv.Itoa(ss[0].Bytes)+", "+enc+": ") {
			t.Errorf("no ratio printed for %s:\n%s", enc, out.String())
		}
	}
}
