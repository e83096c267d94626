package main

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

func durations(ms ...int) []time.Duration {
	d := make([]time.Duration, len(ms))
	for i, m := range ms {
		d[i] = time.Duration(m) * time.Millisecond
	}
	return d
}

// oneTo returns 1 ms, 2 ms … n ms.
func oneTo(n int) []time.Duration {
	d := make([]time.Duration, n)
	for i := range d {
		d[i] = time.Duration(i+1) * time.Millisecond
	}
	return d
}

func TestPercentileNearestRank(t *testing.T) {
	cases := []struct {
		name   string
		values []time.Duration
		p      float64
		want   time.Duration
	}{
		{"empty", nil, 50, 0},
		{"one value, p50", durations(7), 50, 7 * time.Millisecond},
		{"one value, p99", durations(7), 99, 7 * time.Millisecond},
		{"two values, p50 is the lower", durations(1, 2), 50, time.Millisecond},
		{"two values, p51 is the upper", durations(1, 2), 51, 2 * time.Millisecond},
		{"1..100 p50", oneTo(100), 50, 50 * time.Millisecond},
		// 0.9*100 is 90.00000000000001 in floating point: a naive rank
		// would be 91.
		{"1..100 p90", oneTo(100), 90, 90 * time.Millisecond},
		{"1..100 p99", oneTo(100), 99, 99 * time.Millisecond},
		{"1..100 p100 is the max", oneTo(100), 100, 100 * time.Millisecond},
		{"1..10 p90", oneTo(10), 90, 9 * time.Millisecond},
		{"1..10 p99 rounds up to the max", oneTo(10), 99, 10 * time.Millisecond},
		{"1..10 p1 is the min", oneTo(10), 1, time.Millisecond},
		{"1..1000 p99", oneTo(1000), 99, 990 * time.Millisecond},
		{"1..1000 p99.9", oneTo(1000), 99.9, 999 * time.Millisecond},
		{"1..3 p50", oneTo(3), 50, 2 * time.Millisecond},
		{"tiny p is the min", oneTo(1000), 0.0001, time.Millisecond},
	}
	for _, c := range cases {
		if got := percentile(c.values, c.p); got != c.want {
			t.Errorf("%s: percentile(%d values, %v) = %v, want %v", c.name, len(c.values), c.p, got, c.want)
		}
	}
}

// TestPercentileDefinition checks on random data that the result is a
// value of the set with at least p % of the values at or below it, and
// less than p % strictly below it.
func TestPercentileDefinition(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for range 200 {
		n := 1 + rng.IntN(500)
		v := make([]time.Duration, n)
		for i := range v {
			v[i] = time.Duration(rng.IntN(50)) * time.Millisecond // with ties
		}
		slices.Sort(v)
		for _, p := range []float64{1, 10, 25, 50, 75, 90, 95, 99, 99.9, 100} {
			got := percentile(v, p)
			atOrBelow, below := 0, 0
			for _, x := range v {
				if x <= got {
					atOrBelow++
				}
				if x < got {
					below++
				}
			}
			if float64(atOrBelow) < p*float64(n)/100-1e-9 || float64(below) >= p*float64(n)/100-1e-9 {
				t.Fatalf("n=%d p=%v: got %v with %d at or below and %d below", n, p, got, atOrBelow, below)
			}
		}
	}
}

func TestSummarizeSortsAndConverts(t *testing.T) {
	lat := durations(30, 10, 20, 40)
	s := summarize(lat, 2)
	want := Summary{Requests: 6, Errors: 2, MeanMS: 25, P50MS: 20, P90MS: 40, P99MS: 40, MaxMS: 40}
	if s != want {
		t.Errorf("summarize = %+v, want %+v", s, want)
	}
	if !slices.IsSorted(lat) {
		t.Errorf("latencies not sorted in place: %v", lat)
	}
	if s := summarize(nil, 3); s != (Summary{Requests: 3, Errors: 3}) {
		t.Errorf("summarize of errors only = %+v", s)
	}
	if got := ms(1234567 * time.Nanosecond); got != 1.235 {
		t.Errorf("ms(1.234567 ms) = %v, want 1.235", got)
	}
}

func TestRecorderReport(t *testing.T) {
	r := newRecorder()
	for i := 1; i <= 100; i++ {
		r.success("board", time.Duration(i)*time.Millisecond)
	}
	for i := 1; i <= 100; i++ {
		r.success("task", time.Duration(100+i)*time.Millisecond)
	}
	r.failure("comment", "status 500", "POST /p/1/tasks/1/comment: 500")
	r.failure("comment", "status 500", "a second one")
	r.failure("board", "timeout", "GET /p/1/tasks: timeout")
	r.success("extra", time.Millisecond)

	rep := r.report([]string{"board", "task", "comment", "upload"})
	if rep.Requests != 204 || rep.Errors != 3 || r.requests.Load() != 204 || r.errors.Load() != 3 {
		t.Fatalf("requests %d errors %d (counters %d, %d), want 204 and 3", rep.Requests, rep.Errors, r.requests.Load(), r.errors.Load())
	}
	var names []string
	for _, a := range rep.Actions {
		names = append(names, a.Action)
	}
	if want := []string{"board", "task", "comment", "upload", "extra"}; !slices.Equal(names, want) {
		t.Errorf("actions %v, want %v (ordered ones first, even empty, then the others)", names, want)
	}
	board := rep.Actions[0]
	if board.Requests != 101 || board.Errors != 1 || board.P50MS != 50 || board.P90MS != 90 || board.P99MS != 99 || board.MaxMS != 100 {
		t.Errorf("board = %+v", board)
	}
	if board.ErrorsByKind["timeout"] != 1 {
		t.Errorf("board errors by kind = %v", board.ErrorsByKind)
	}
	// Overall: 1..200 ms and the extra 1 ms: 201 values.
	o := rep.Overall
	if o.Requests != 204 || o.Errors != 3 || o.P50MS != 100 || o.P90MS != 180 || o.P99MS != 198 || o.MaxMS != 200 {
		t.Errorf("overall = %+v", o)
	}
	if rep.ErrorsByKind["status 500"] != 2 || rep.ErrorsByKind["timeout"] != 1 || len(rep.ErrorsByKind) != 2 {
		t.Errorf("errors by kind = %v", rep.ErrorsByKind)
	}
	if ex := rep.ErrorExamples["status 500"]; ex != "POST /p/1/tasks/1/comment: 500" {
		t.Errorf("example of status 500 = %q, want the first one", ex)
	}

	var out bytes.Buffer
	rep.print(&out)
	for _, want := range []string{"204 requests", "board", "overall", "status 500", "comment 2", "e.g. POST /p/1/tasks/1/comment"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("printed report lacks %q:\n%s", want, out.String())
		}
	}
}

func TestErrorKind(t *testing.T) {
	if k := errorKind(&statusError{status: 503}); k != "status 503" {
		t.Errorf("kind of a 503 = %q", k)
	}
}
