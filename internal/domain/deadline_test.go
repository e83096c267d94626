package domain

import (
	"testing"
	"time"
	_ "time/tzdata"
)

func TestParseDeadline(t *testing.T) {
	hcm, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		t.Fatal(err)
	}
	for in, want := range map[string]string{
		"2026-12-10":          "2026-12-10T16:59:00Z", // 23:59 in UTC+7
		"2026-12-10T08:30":    "2026-12-10T01:30:00Z",
		"2026-12-10 08:30":    "2026-12-10T01:30:00Z",
		"2026-12-10T08:30:15": "2026-12-10T01:30:15Z",
		" ":                   "0001-01-01T00:00:00Z",
	} {
		got, err := ParseDeadline("deadline", in, hcm)
		if err != nil || got.Format(time.RFC3339) != want {
			t.Errorf("ParseDeadline(%q) = %v, %v; want %s", in, got, err, want)
		}
	}
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	for in, want := range map[string]string{ // days of 23 and 25 hours
		"2031-03-30": "2031-03-30T21:59:00Z", "2031-10-26": "2031-10-26T22:59:00Z",
	} {
		if got, err := ParseDeadline("deadline", in, paris); err != nil || got.Format(time.RFC3339) != want {
			t.Errorf("ParseDeadline(%q) in Paris = %v, %v; want %s", in, got, err, want)
		}
	}
	for _, bad := range []string{"tomorrow", "2026-13-01", "2026-02-30", "10/12/2026", "2026-12-10T25:00"} {
		if _, err := ParseDeadline("deadline", bad, hcm); KindOf(err) != KindInvalid {
			t.Errorf("ParseDeadline(%q) = %v; want an invalid-value error", bad, err)
		}
	}
}

func TestUntil(t *testing.T) {
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	for d, want := range map[time.Duration]string{
		3 * 24 * time.Hour:  "in 3 days",
		-2 * 24 * time.Hour: "overdue by 2 days",
		5 * time.Hour:       "in 5 hours",
		-90 * time.Minute:   "overdue by 1 hour",
		30 * time.Second:    "in less than a minute",
		time.Hour:           "in 1 hour",
	} {
		if got := Until(now.Add(d), now); got != want {
			t.Errorf("Until(now%+v) = %q; want %q", d, got, want)
		}
	}
}
