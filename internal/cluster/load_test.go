package cluster

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestClusterLoad runs cmd/acanban-load through nginx against the three
// instances on PostgreSQL and Kubo, and prints its report and how the
// requests spread over the instances. scripts/test runs it small (50 users,
// 10 s); the performance issue's full run is ACANBAN_CLUSTER_LOAD=1000,60s.
func TestClusterLoad(t *testing.T) {
	users, duration := 50, "10s"
	if v := os.Getenv("ACANBAN_CLUSTER_LOAD"); v != "" {
		u, d, ok := strings.Cut(v, ",")
		n, err := strconv.Atoi(u)
		if !ok || err != nil {
			t.Fatalf("ACANBAN_CLUSTER_LOAD=%q: want USERS,DURATION such as 1000,60s", v)
		}
		users, duration = n, d
	}
	c := startCluster(t)
	load := filepath.Join(t.TempDir(), "acanban-load")
	build := exec.Command("go", "build", "-o", load, "./cmd/acanban-load")
	build.Dir = root(t)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build acanban-load: %v\n%s", err, out)
	}
	before := make([]int, len(c.instances))
	for n, i := range c.instances {
		before[n] = i.requests()
	}
	cmd := exec.Command(load, "-target", c.nginx, "-users", fmt.Sprint(users), "-duration", duration, "-think", "1s")
	out, err := cmd.Output()
	fmt.Printf("Load through nginx on three instances (PostgreSQL, Kubo), %d users for %s:\n%s", users, duration, out)
	for n, i := range c.instances {
		fmt.Printf("  instance %d served %d requests of the run\n", n+1, i.requests()-before[n])
	}
	if err != nil {
		t.Fatalf("acanban-load: %v (exit status 3 means some requests failed)", err)
	}
	if !strings.Contains(string(out), "no errors") {
		t.Error("the load run reported errors")
	}
}
