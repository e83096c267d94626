package domain

import (
	"fmt"
	"strings"
	"time"
)

// ParseDeadline reads a deadline as typed in a form, in loc: YYYY-MM-DD
// (the end of that day) or YYYY-MM-DDTHH:MM (seconds allowed, a space for
// the T too). An empty string is no deadline: the zero time.
func ParseDeadline(field, s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.ParseInLocation("2006-01-02", s, loc); err == nil {
		y, m, d := t.Date() // 23:59 that day, even on a day of 23 or 25 hours
		return time.Date(y, m, d, 23, 59, 0, 0, loc).UTC(), nil
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04", "2006-01-02 15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, Invalid(field, "%q is not a date: write YYYY-MM-DD or YYYY-MM-DDTHH:MM.", s)
}

// Until describes a deadline from now in words: "in 3 days", "due in 5
// hours", "overdue by 2 days".
func Until(deadline, now time.Time) string {
	d := deadline.Sub(now)
	if d < 0 {
		return "overdue by " + span(-d)
	}
	return "in " + span(d)
}

func span(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "less than a minute"
	case d < time.Hour:
		return count(int(d/time.Minute), "minute")
	case d < 48*time.Hour:
		return count(int(d/time.Hour), "hour")
	case d < 60*24*time.Hour:
		return count(int(d/(24*time.Hour)), "day")
	case d < 730*24*time.Hour:
		return count(int(d/(30*24*time.Hour)), "month")
	}
	return count(int(d/(365*24*time.Hour)), "year")
}

func count(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}
