package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"
)

// recorder collects the outcome of every request of a run. Latencies are
// kept exactly (one duration per successful request: 8 bytes, so a million
// requests cost 8 MB) and sorted once at the end.
type recorder struct {
	requests atomic.Int64 // completed requests, failed ones included
	errors   atomic.Int64

	mu       sync.Mutex
	actions  map[string]*actionSamples
	examples map[string]string // error kind → the first request that failed so
}

type actionSamples struct {
	latencies []time.Duration // of the successful requests
	errors    map[string]int  // kind → count
}

func newRecorder() *recorder {
	return &recorder{actions: map[string]*actionSamples{}, examples: map[string]string{}}
}

func (r *recorder) action(name string) *actionSamples {
	a := r.actions[name]
	if a == nil {
		a = &actionSamples{errors: map[string]int{}}
		r.actions[name] = a
	}
	return a
}

// success records a request of action that took d.
func (r *recorder) success(action string, d time.Duration) {
	r.requests.Add(1)
	r.mu.Lock()
	a := r.action(action)
	a.latencies = append(a.latencies, d)
	r.mu.Unlock()
}

// failure records a failed request of action; kind names the failure
// ("status 500", "timeout" …) and example describes this instance of it.
func (r *recorder) failure(action, kind, example string) {
	r.requests.Add(1)
	r.errors.Add(1)
	r.mu.Lock()
	r.action(action).errors[kind]++
	if _, ok := r.examples[kind]; !ok {
		r.examples[kind] = example
	}
	r.mu.Unlock()
}

// Summary is the latency distribution of a set of requests, in
// milliseconds. Percentiles are over successful requests only; failed
// requests are counted in Errors.
type Summary struct {
	Requests int     `json:"requests"`
	Errors   int     `json:"errors"`
	MeanMS   float64 `json:"mean_ms"`
	P50MS    float64 `json:"p50_ms"`
	P90MS    float64 `json:"p90_ms"`
	P99MS    float64 `json:"p99_ms"`
	MaxMS    float64 `json:"max_ms"`
}

// ActionReport is the summary of one kind of action.
type ActionReport struct {
	Action string `json:"action"`
	Summary
	ErrorsByKind map[string]int `json:"errors_by_kind,omitempty"`
}

// Report is the result of a run, printed as a table and written as JSON.
type Report struct {
	Target         string            `json:"target"`
	Users          int               `json:"users"`
	Projects       int               `json:"projects"`
	ThinkMeanMS    float64           `json:"think_mean_ms"`
	Started        time.Time         `json:"started"`
	ElapsedSeconds float64           `json:"elapsed_seconds"`
	Requests       int64             `json:"requests"`
	Errors         int64             `json:"errors"`
	Throughput     float64           `json:"throughput_rps"`
	Overall        Summary           `json:"overall"`
	Actions        []ActionReport    `json:"actions"`
	ErrorsByKind   map[string]int    `json:"errors_by_kind"`
	ErrorExamples  map[string]string `json:"error_examples,omitempty"`
	// Login is the log-in of every simulated user before the clock starts
	// (a password hash each): not part of the figures above.
	Login *Summary `json:"login,omitempty"`
}

// percentile returns the p-th percentile (0 < p ≤ 100) of sorted by the
// nearest-rank method: the smallest value with at least p % of the values
// at or below it. It is 0 for no values.
func percentile(sorted []time.Duration, p float64) time.Duration {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	// p*n/100 rather than p/100*n: 90*100/100 is exactly 90, while
	// 0.9*100 is 90.00000000000001 and would round up to the next rank.
	// The epsilon absorbs the same error for p like 99.9.
	rank := int(math.Ceil(p*float64(n)/100 - 1e-9))
	rank = max(1, min(rank, n))
	return sorted[rank-1]
}

// summarize sorts latencies in place and summarises them.
func summarize(latencies []time.Duration, errors int) Summary {
	slices.Sort(latencies)
	s := Summary{Requests: len(latencies) + errors, Errors: errors}
	if len(latencies) == 0 {
		return s
	}
	var sum time.Duration
	for _, d := range latencies {
		sum += d
	}
	s.MeanMS = ms(sum / time.Duration(len(latencies)))
	s.P50MS = ms(percentile(latencies, 50))
	s.P90MS = ms(percentile(latencies, 90))
	s.P99MS = ms(percentile(latencies, 99))
	s.MaxMS = ms(latencies[len(latencies)-1])
	return s
}

// ms is d in milliseconds, to the microsecond.
func ms(d time.Duration) float64 { return math.Round(float64(d)/1e3) / 1e3 }

// report summarises what r recorded; order lists the actions to show
// first (each, even with no request), the others follow by name.
func (r *recorder) report(order []string) *Report {
	r.mu.Lock()
	defer r.mu.Unlock()
	rep := &Report{ErrorsByKind: map[string]int{}, ErrorExamples: map[string]string{}}
	names := slices.Clone(order)
	var extra []string
	for name := range r.actions {
		if !slices.Contains(order, name) {
			extra = append(extra, name)
		}
	}
	sort.Strings(extra)
	names = append(names, extra...)
	var all []time.Duration
	allErrors := 0
	for _, name := range names {
		a := r.actions[name]
		if a == nil {
			a = &actionSamples{}
		}
		errs := 0
		for kind, n := range a.errors {
			errs += n
			rep.ErrorsByKind[kind] += n
		}
		ar := ActionReport{Action: name, Summary: summarize(a.latencies, errs)}
		if errs > 0 {
			ar.ErrorsByKind = a.errors
		}
		rep.Actions = append(rep.Actions, ar)
		all = append(all, a.latencies...)
		allErrors += errs
	}
	rep.Overall = summarize(all, allErrors)
	rep.Requests = int64(rep.Overall.Requests)
	rep.Errors = int64(allErrors)
	for kind, ex := range r.examples {
		rep.ErrorExamples[kind] = ex
	}
	return rep
}

// print writes rep as a table.
func (rep *Report) print(w io.Writer) {
	fmt.Fprintf(w, "\nacanban-load: %d users on %d projects against %s, think time %s (mean)\n",
		rep.Users, rep.Projects, rep.Target, time.Duration(rep.ThinkMeanMS*float64(time.Millisecond)))
	fmt.Fprintf(w, "%d requests in %.1f s: %.1f req/s, %d errors (%.2f %%)\n",
		rep.Requests, rep.ElapsedSeconds, rep.Throughput, rep.Errors, pct(rep.Errors, rep.Requests))
	fmt.Fprintln(w, "latency of successful requests, in milliseconds:")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "%-12s\trequests\terrors\tmean\tp50\tp90\tp99\tmax\t\n", "action")
	row := func(name string, s Summary) {
		fmt.Fprintf(tw, "%-12s\t%d\t%d\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t\n",
			name, s.Requests, s.Errors, s.MeanMS, s.P50MS, s.P90MS, s.P99MS, s.MaxMS)
	}
	for _, a := range rep.Actions {
		row(a.Action, a.Summary)
	}
	row("overall", rep.Overall)
	if rep.Login != nil {
		row("(login)", *rep.Login)
	}
	tw.Flush()
	if len(rep.ErrorsByKind) == 0 {
		fmt.Fprintln(w, "no errors")
		return
	}
	fmt.Fprintln(w, "errors by kind:")
	kinds := make([]string, 0, len(rep.ErrorsByKind))
	for k := range rep.ErrorsByKind {
		kinds = append(kinds, k)
	}
	sort.Slice(kinds, func(i, j int) bool { return rep.ErrorsByKind[kinds[i]] > rep.ErrorsByKind[kinds[j]] })
	for _, k := range kinds {
		var by []string
		for _, a := range rep.Actions {
			if n := a.ErrorsByKind[k]; n > 0 {
				by = append(by, fmt.Sprintf("%s %d", a.Action, n))
			}
		}
		fmt.Fprintf(w, "  %-24s %6d  (%s)\n", k, rep.ErrorsByKind[k], strings.Join(by, ", "))
		if ex := rep.ErrorExamples[k]; ex != "" {
			fmt.Fprintf(w, "  %-24s         e.g. %s\n", "", ex)
		}
	}
}

func pct(n, of int64) float64 {
	if of == 0 {
		return 0
	}
	return 100 * float64(n) / float64(of)
}

// writeJSON writes rep to the file name.
func (rep *Report) writeJSON(name string) error {
	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(name, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("write the JSON report: %w", err)
	}
	return nil
}
