package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// saturation is the throughput of one path with no think time.
type saturation struct {
	Path        string  `json:"path"`
	Bytes       int     `json:"bytes"`
	Requests    int64   `json:"requests"`
	Errors      int64   `json:"errors"`
	PerSecond   float64 `json:"per_second"`
	P50, P99    float64 // milliseconds
	Connections int     `json:"connections"`
}

// saturate logs in as the first user and requests each path as fast as
// cfg.Connections connections allow, for cfg.Duration each, one path after
// the other. A path "/bench/bytes" is given the size of the first path's
// page: the server's -bench-routes answer it with a fixed byte slice, the
// ceiling against which a page's throughput compares.
func saturate(ctx context.Context, cfg *Config) ([]saturation, error) {
	tr := newTransport(cfg.Connections)
	defer tr.CloseIdleConnections()
	c := newClient(cfg.Target, tr, cfg.Timeout)
	if err := login(ctx, cfg, c, 0); err != nil {
		return nil, err
	}
	var out []saturation
	size := 0
	for _, path := range cfg.Saturate {
		if path == "/bench/bytes" {
			path = fmt.Sprintf("/bench/bytes/%d", size)
		}
		page, err := c.get(ctx, path)
		if err != nil {
			return out, fmt.Errorf("saturate %s: %w", path, err)
		}
		if size == 0 {
			size = len(page)
		}
		s := saturation{Path: path, Bytes: len(page), Connections: cfg.Connections}
		var mu sync.Mutex
		var lat []time.Duration
		var requests, errors atomic.Int64
		deadline := time.Now().Add(cfg.Duration)
		var wg sync.WaitGroup
		for range cfg.Connections {
			wg.Go(func() {
				var mine []time.Duration
				for time.Now().Before(deadline) && ctx.Err() == nil {
					req, _ := http.NewRequestWithContext(ctx, "GET", cfg.Target+path, nil)
					start := time.Now()
					res, err := c.hc.Do(req)
					if err == nil {
						io.Copy(io.Discard, res.Body)
						res.Body.Close()
					}
					if err != nil || res.StatusCode != 200 {
						errors.Add(1)
						continue
					}
					mine = append(mine, time.Since(start))
					requests.Add(1)
				}
				mu.Lock()
				lat = append(lat, mine...)
				mu.Unlock()
			})
		}
		wg.Wait()
		s.Requests, s.Errors = requests.Load(), errors.Load()
		s.PerSecond = float64(s.Requests) / cfg.Duration.Seconds()
		sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
		if len(lat) > 0 {
			s.P50 = float64(lat[len(lat)/2]) / 1e6
			s.P99 = float64(lat[min(len(lat)-1, len(lat)*99/100)]) / 1e6
		}
		out = append(out, s)
		fmt.Fprintf(cfg.Log, "saturate %s: %.0f req/s\n", path, s.PerSecond)
	}
	return out, nil
}

func printSaturation(w io.Writer, ss []saturation) {
	fmt.Fprintf(w, "saturation, %d connections, no think time:\n", ss[0].Connections)
	fmt.Fprintf(w, "  %-28s %8s %10s %8s %8s %8s\n", "path", "bytes", "req/s", "p50 ms", "p99 ms", "errors")
	for _, s := range ss {
		fmt.Fprintf(w, "  %-28s %8d %10.0f %8.2f %8.2f %8d\n", s.Path, s.Bytes, s.PerSecond, s.P50, s.P99, s.Errors)
	}
	if len(ss) >= 2 && ss[1].PerSecond > 0 {
		fmt.Fprintf(w, "ratio %s / %s: %.1f %%\n", ss[0].Path, ss[1].Path, 100*ss[0].PerSecond/ss[1].PerSecond)
	}
}

func parseSaturate(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
