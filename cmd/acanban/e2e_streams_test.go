package main

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestE2EManyLiveStreams opens 1000 live-update streams on one instance
// (the performance issue's target 4: resident memory under 150 MB), checks
// that a move reaches every one of them, and logs the memory.
func TestE2EManyLiveStreams(t *testing.T) {
	const streams = 1000
	s := startServer(t, t.TempDir(), serverOpts{args: []string{"-log-level", "warn"}})
	b := newBrowser(t, s.base)
	if r := b.register("ada", "ada-password", "Ada", "ada@example.edu", "student"); r.status != 303 {
		t.Fatalf("register: %d", r.status)
	}
	b.post("/p/create", map[string][]string{"name": {"Watched"}})
	b.post("/p/1/tasks/create", map[string][]string{"name": {"Card"}})
	pid := s.cmd.Process.Pid
	rssBefore := procKiB(t, pid, "VmRSS")

	tr := &http.Transport{MaxIdleConnsPerHost: streams, DisableCompression: true}
	client := &http.Client{Transport: tr, Jar: b.c.Jar}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var got sync.WaitGroup
	var opened sync.WaitGroup
	errs := make(chan error, streams)
	for range streams {
		opened.Add(1)
		got.Add(1)
		go func() {
			defer got.Done()
			req, _ := http.NewRequestWithContext(ctx, "GET", s.base+"/p/1/events", nil)
			res, err := client.Do(req)
			opened.Done()
			if err != nil {
				errs <- err
				return
			}
			defer res.Body.Close()
			sc := bufio.NewScanner(res.Body)
			for sc.Scan() {
				if strings.HasPrefix(sc.Text(), "event: change") {
					return
				}
			}
			errs <- fmt.Errorf("stream ended without the event: %v", sc.Err())
		}()
	}
	opened.Wait()
	time.Sleep(500 * time.Millisecond) // every stream subscribed
	rssOpen := procKiB(t, pid, "VmRSS")
	b.post("/p/1/tasks/1/move", map[string][]string{"status": {"done"}})
	done := make(chan struct{})
	go func() { got.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("the move did not reach every stream within 30 s")
	}
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	hwm := procKiB(t, pid, "VmHWM")
	t.Logf("STREAMS n=%d rss_before_kib=%d rss_open_kib=%d hwm_kib=%d per_stream_kib=%.1f",
		streams, rssBefore, rssOpen, hwm, float64(rssOpen-rssBefore)/streams)
	if rssOpen > 150*1024 {
		t.Errorf("resident memory with %d streams open: %d KiB; the target is under 150 MB", streams, rssOpen)
	}
}
