// Package kubotest starts a real Kubo daemon for tests: offline, on
// loopback, in a temporary repository. The ipfs binary comes from
// ACANBAN_IPFS_BIN or the PATH (scripts/test builds it with
// scripts/kubo.sh); under CI=true a missing binary fails the test instead
// of skipping it.
package kubotest

import (
	"github.com/acanban/acanban/internal/proctest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Binary returns the path of the ipfs binary, failing under CI and
// skipping elsewhere when there is none.
func Binary(t testing.TB) string {
	t.Helper()
	bin := os.Getenv("ACANBAN_IPFS_BIN")
	if bin == "" {
		bin, _ = exec.LookPath("ipfs")
	}
	if bin == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI: a Kubo (ipfs) binary is required: set ACANBAN_IPFS_BIN or run scripts/kubo.sh (scripts/test does)")
		}
		t.Skip("no Kubo binary: run ./scripts/test, which builds it, or set ACANBAN_IPFS_BIN")
	}
	return bin
}

// Daemon is a running Kubo node.
type Daemon struct {
	API  string // http://127.0.0.1:PORT
	cmd  *exec.Cmd
	repo string
	bin  string
	log  *proctest.Buffer
}

// Start initialises a repository and starts `ipfs daemon --offline`,
// stopped when the test ends.
func Start(t testing.TB) *Daemon {
	t.Helper()
	d := &Daemon{repo: t.TempDir(), bin: Binary(t), log: &proctest.Buffer{}}
	if out, err := d.ipfs("init", "--profile=test").CombinedOutput(); err != nil {
		t.Fatalf("ipfs init: %v\n%s", err, out)
	}
	d.Restart(t)
	t.Cleanup(func() { d.Stop() })
	return d
}

func (d *Daemon) ipfs(args ...string) *exec.Cmd {
	cmd := exec.Command(d.bin, args...)
	cmd.Env = append(os.Environ(), "IPFS_PATH="+d.repo)
	return cmd
}

// Restart starts the daemon again after Stop; its address may change.
func (d *Daemon) Restart(t testing.TB) {
	t.Helper()
	os.Remove(filepath.Join(d.repo, "api"))
	d.cmd = d.ipfs("daemon", "--offline")
	d.cmd.Stdout, d.cmd.Stderr = d.log, d.log
	if err := d.cmd.Start(); err != nil {
		t.Fatalf("ipfs daemon: %v", err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(filepath.Join(d.repo, "api")); err == nil && strings.Contains(d.log.String(), "Daemon is ready") {
			// /ip4/127.0.0.1/tcp/PORT
			parts := strings.Split(strings.TrimSpace(string(b)), "/")
			if len(parts) == 5 {
				d.API = "http://" + parts[2] + ":" + parts[4]
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	d.Stop()
	t.Fatalf("ipfs daemon did not become ready:\n%s", d.log.String())
}

// Stop stops the daemon.
func (d *Daemon) Stop() {
	if d.cmd != nil && d.cmd.Process != nil {
		d.cmd.Process.Kill()
		d.cmd.Wait()
		d.cmd = nil
	}
}
