package domain

import "time"

// Clock gives the time as Acanban stores it: UTC, to the microsecond that
// both databases keep. The nil Clock is the system's.
type Clock func() time.Time

// Now returns the current time.
func (c Clock) Now() time.Time {
	var t time.Time
	if c != nil {
		t = c()
	} else {
		t = time.Now()
	}
	return t.UTC().Truncate(time.Microsecond)
}
