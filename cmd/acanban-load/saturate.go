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
	Path string `json:"path"`
	// Encoding is what the requests accepted: "gzip" as browsers do, or
	// "identity", where every response is its full size on the wire.
	Encoding    string  `json:"encoding"`
	Bytes       int     `json:"bytes"`      // the body, uncompressed
	WireBytes   int     `json:"wire_bytes"` // the body as sent
	Requests    int64   `json:"requests"`
	Errors      int64   `json:"errors"`
	PerSecond   float64 `json:"per_second"`
	P50, P99    float64 // milliseconds
	Connections int     `json:"connections"`
}

// saturationEncodings are the passes of a saturation run. A fixed slice
// of one byte repeated gzips to almost nothing at no cost, where a page
// costs its compression: the pass without compression compares the same
// bytes on the wire, the one with it what browsers get.
var saturationEncodings = []string{"gzip", "identity"}

// saturate logs in as the first user and requests each path as fast as
// cfg.Connections connections allow, for cfg.Duration each, one path after
// the other, once accepting gzip and once not. A path "/bench/bytes" is
// given the size of the first path's page: the server's -bench-routes
// answer it with a fixed byte slice, the ceiling against which a page's
// throughput compares.
func saturate(ctx context.Context, cfg *Config) ([]saturation, error) {
	tr := newTransport(cfg.Connections)
	defer tr.CloseIdleConnections()
	c := newClient(cfg.Target, tr, cfg.Timeout)
	if err := login(ctx, cfg, c, 0); err != nil {
		return nil, err
	}
	var out []saturation
	for _, enc := range saturationEncodings {
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
			s := saturateOne(ctx, cfg, c, path, enc)
			s.Bytes = len(page)
			out = append(out, s)
			fmt.Fprintf(cfg.Log, "saturate %s (%s): %.0f req/s\n", path, enc, s.PerSecond)
		}
	}
	return out, nil
}

// saturateOne requests path as fast as it can for cfg.Duration.
func saturateOne(ctx context.Context, cfg *Config, c *client, path, enc string) saturation {
	s := saturation{Path: path, Encoding: enc, Connections: cfg.Connections}
	var mu sync.Mutex
	var lat []time.Duration
	var requests, errors, wire atomic.Int64
	deadline := time.Now().Add(cfg.Duration)
	var wg sync.WaitGroup
	for range cfg.Connections {
		wg.Go(func() {
			var mine []time.Duration
			for time.Now().Before(deadline) && ctx.Err() == nil {
				req, _ := http.NewRequestWithContext(ctx, "GET", cfg.Target+path, nil)
				// Set by hand, the header keeps the transport from
				// unzipping: the bytes counted are those sent.
				req.Header.Set("Accept-Encoding", enc)
				start := time.Now()
				res, err := c.hc.Do(req)
				var n int64
				if err == nil {
					n, err = io.Copy(io.Discard, res.Body)
					res.Body.Close()
				}
				if err != nil || res.StatusCode != 200 {
					errors.Add(1)
					continue
				}
				mine = append(mine, time.Since(start))
				requests.Add(1)
				wire.Store(n)
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	s.Requests, s.Errors, s.WireBytes = requests.Load(), errors.Load(), int(wire.Load())
	s.PerSecond = float64(s.Requests) / cfg.Duration.Seconds()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	if len(lat) > 0 {
		s.P50 = float64(lat[len(lat)/2]) / 1e6
		s.P99 = float64(lat[min(len(lat)-1, len(lat)*99/100)]) / 1e6
	}
	return s
}

func printSaturation(w io.Writer, ss []saturation) {
	fmt.Fprintf(w, "saturation, %d connections, no think time:\n", ss[0].Connections)
	fmt.Fprintf(w, "  %-28s %-9s %8s %8s %10s %8s %8s %8s\n", "path", "encoding", "bytes", "on wire", "req/s", "p50 ms", "p99 ms", "errors")
	for _, s := range ss {
		fmt.Fprintf(w, "  %-28s %-9s %8d %8d %10.0f %8.2f %8.2f %8d\n", s.Path, s.Encoding, s.Bytes, s.WireBytes, s.PerSecond, s.P50, s.P99, s.Errors)
	}
	// The ratio of the first path to the second, in each encoding.
	for i := 0; i+1 < len(ss); i++ {
		a, b := ss[i], ss[i+1]
		if a.Encoding != b.Encoding || (i > 0 && ss[i-1].Encoding == a.Encoding) || b.PerSecond == 0 {
			continue
		}
		fmt.Fprintf(w, "ratio %s / %s, %s: %.1f %%\n", a.Path, b.Path, a.Encoding, 100*a.PerSecond/b.PerSecond)
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
