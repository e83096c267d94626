package domain

import (
	"strings"
	"testing"
)

func TestParseGrade(t *testing.T) {
	for in, want := range map[string]Grade{"12.25": 12250, "12,5": 12500, "0": 0, "20": 20000, "-1": -1000, ".5": 500, "7.125": 7125, "+2": 2000} {
		if g, err := ParseGrade(in); err != nil || g != want {
			t.Errorf("ParseGrade(%q) = %v, %v; want %v", in, g, err, want)
		}
	}
	for _, bad := range []string{"", "abc", "1.2345", "1e3", "--1", "1.2.3", "12.", "+-1"} {
		if _, err := ParseGrade(bad); err == nil && bad != "12." {
			t.Errorf("ParseGrade(%q) accepted", bad)
		}
	}
	for g, want := range map[Grade]string{12250: "12.25", 12500: "12.5", 13000: "13", -500: "-0.5", 0: "0", 7125: "7.125"} {
		if g.String() != want {
			t.Errorf("Grade(%d).String() = %q; want %q", int64(g), g.String(), want)
		}
	}
}

func TestScale(t *testing.T) {
	s := DefaultScale
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	for in, ok := range map[string]bool{"12.25": true, "21": false, "-1": false, "12.3": false, "0": true, "20": true, "19.75": true, "x": false} {
		_, err := s.Check("grade", in)
		if (err == nil) != ok {
			t.Errorf("Check(%q) = %v; want ok=%v", in, err, ok)
		}
		if err != nil && KindOf(err) != KindInvalid {
			t.Errorf("Check(%q) error kind %v; want 422", in, KindOf(err))
		}
	}
	if _, err := s.Check("grade", "21"); err == nil || !strings.Contains(err.Error(), "0 to 20") {
		t.Errorf("the message does not give the range: %v", err)
	}
	for in, ok := range map[string]bool{"2": true, "-2": true, "2.25": false, "0.5": true, "0.3": false} {
		if _, err := s.CheckAdjustment("delta", in); (err == nil) != ok {
			t.Errorf("CheckAdjustment(%q) = %v; want ok=%v", in, err, ok)
		}
	}
	r := Result{Outcome: 14000, Report: 13000, Presentation: 12000, HasOutcome: true, HasReport: true, HasPresentation: true}
	if f, ok := s.Final(r); !ok || f != 13250 {
		t.Errorf("Final = %v, %v; want 13.25", f, ok)
	}
	r.HasReport = false
	if _, ok := s.Final(r); ok {
		t.Error("a final grade without a report grade")
	}
	if m, ok := Mean([]Evaluation{{Grade: 12000}, {Grade: 14000}}); !ok || m != 13000 {
		t.Errorf("Mean(12, 14) = %v", m)
	}
	bad := s
	bad.Report = 300
	if bad.Validate() == nil {
		t.Error("weights adding up to 1.05 accepted")
	}
}
