package domain

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Grade is a mark in thousandths of a point, so that decimal steps such as
// 0.25 are exact: 12.25 is Grade(12250).
type Grade int64

// GradeUnit is one point.
const GradeUnit Grade = 1000

// ParseGrade reads a decimal grade such as "12.25" or "12,25" exactly.
func ParseGrade(s string) (Grade, error) {
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", ".")
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(strings.TrimPrefix(s, "-"), "+")
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" && frac == "" || len(frac) > 3 || strings.ContainsAny(whole+frac, "+-") {
		return 0, fmt.Errorf("%q is not a number", s)
	}
	w := int64(0)
	if whole != "" {
		var err error
		if w, err = strconv.ParseInt(whole, 10, 32); err != nil {
			return 0, fmt.Errorf("%q is not a number", s)
		}
	}
	f := int64(0)
	if frac != "" {
		v, err := strconv.ParseUint(frac, 10, 16)
		if err != nil {
			return 0, fmt.Errorf("%q is not a number", s)
		}
		f = int64(v) * int64(math.Pow10(3-len(frac)))
	}
	g := Grade(w*1000 + f)
	if neg {
		g = -g
	}
	return g, nil
}

// String writes the grade with the decimals it needs: 12, 12.5, 12.25.
func (g Grade) String() string {
	sign := ""
	if g < 0 {
		sign, g = "-", -g
	}
	s := fmt.Sprintf("%s%d.%03d", sign, g/1000, g%1000)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s
}

// Float is the grade as a number of points.
func (g Grade) Float() float64 { return float64(g) / 1000 }

// Scale is the grading scale and the weights of the final grade.
type Scale struct {
	Min, Max, Step Grade
	// Weights of the project outcome, the report and the presentation, in
	// thousandths; they add up to 1000.
	Outcome, Report, Presentation int64
	// MaxAdjustment bounds a supervisor's adjustment of one student's grade.
	MaxAdjustment Grade
}

// DefaultScale is 0 to 20 by quarters, weighted 0.5 / 0.25 / 0.25, with
// adjustments of at most two points.
var DefaultScale = Scale{Min: 0, Max: 20 * GradeUnit, Step: 250, Outcome: 500, Report: 250, Presentation: 250,
	MaxAdjustment: 2 * GradeUnit}

// Check validates a grade typed in field: on the scale and on a step.
func (s Scale) Check(field, typed string) (Grade, error) {
	g, err := ParseGrade(typed)
	if err != nil || g < s.Min || g > s.Max || (g-s.Min)%s.Step != 0 {
		return 0, Invalid(field, "A grade is a number from %s to %s in steps of %s (such as %s); %q is not.",
			s.Min, s.Max, s.Step, s.Min+s.Step*((s.Max-s.Min)/s.Step/2)+s.Step, strings.TrimSpace(typed))
	}
	return g, nil
}

// CheckAdjustment validates an adjustment typed in field.
func (s Scale) CheckAdjustment(field, typed string) (Grade, error) {
	g, err := ParseGrade(typed)
	if err != nil || g < -s.MaxAdjustment || g > s.MaxAdjustment || g%s.Step != 0 {
		return 0, Invalid(field, "An adjustment is a number from -%s to +%s in steps of %s; %q is not.",
			s.MaxAdjustment, s.MaxAdjustment, s.Step, strings.TrimSpace(typed))
	}
	return g, nil
}

// Validate checks a scale read from the settings.
func (s Scale) Validate() error {
	switch {
	case s.Step <= 0 || s.Max <= s.Min:
		return fmt.Errorf("grade scale: the maximum %s must be above the minimum %s, and the step %s above 0", s.Max, s.Min, s.Step)
	case (s.Max-s.Min)%s.Step != 0:
		return fmt.Errorf("grade scale: the step %s does not divide %s–%s", s.Step, s.Min, s.Max)
	case s.Outcome < 0 || s.Report < 0 || s.Presentation < 0 || s.Outcome+s.Report+s.Presentation != 1000:
		return fmt.Errorf("grade weights %s, %s, %s must be positive and add up to 1",
			Grade(s.Outcome), Grade(s.Report), Grade(s.Presentation))
	case s.MaxAdjustment < 0:
		return fmt.Errorf("grade scale: the maximum adjustment must not be negative")
	}
	return nil
}

// Criterion is what a grade is about.
type Criterion string

const (
	CriterionTask         Criterion = "task"         // a task, by a supervisor
	CriterionOutcome      Criterion = "outcome"      // the project outcome, by the supervisors
	CriterionReport       Criterion = "report"       // the written report, by the judges
	CriterionPresentation Criterion = "presentation" // the oral presentation (slides), by the judges
)

// Title is the criterion's name.
func (c Criterion) Title() string {
	switch c {
	case CriterionTask:
		return "Task"
	case CriterionOutcome:
		return "Outcome"
	case CriterionReport:
		return "Report"
	case CriterionPresentation:
		return "Presentation"
	}
	return string(c)
}

// Evaluation is one grade given, one version of it: revising a grade adds
// a version, and every version stays (the audit trail).
type Evaluation struct {
	ID        int64
	ProjectID int64
	Criterion Criterion
	TaskID    int64 // for CriterionTask
	Grader    User
	Grade     Grade
	Comment   string
	Created   time.Time
}

// Adjustment is one version of a supervisor's change to one student's
// final grade, with its reason.
type Adjustment struct {
	ID        int64
	ProjectID int64
	Student   User
	Delta     Grade
	Reason    string
	By        User
	Created   time.Time
}

// Mean is the mean of the latest grade of each grader, rounded to the
// thousandth; ok is false when there is none.
func Mean(latest []Evaluation) (Grade, bool) {
	if len(latest) == 0 {
		return 0, false
	}
	var sum Grade
	for _, e := range latest {
		sum += e.Grade
	}
	return Grade(math.Round(float64(sum) / float64(len(latest)))), true
}

// Result is a project's grades.
type Result struct {
	Outcome, Report, Presentation          Grade
	HasOutcome, HasReport, HasPresentation bool
}

// Complete reports whether every criterion has a grade.
func (r Result) Complete() bool { return r.HasOutcome && r.HasReport && r.HasPresentation }

// Final is the weighted sum of the criteria, when all have a grade.
func (s Scale) Final(r Result) (Grade, bool) {
	if !r.Complete() {
		return 0, false
	}
	sum := int64(r.Outcome)*s.Outcome + int64(r.Report)*s.Report + int64(r.Presentation)*s.Presentation
	return Grade(math.Round(float64(sum) / 1000)), true
}

// Clamp keeps g on the scale.
func (s Scale) Clamp(g Grade) Grade { return max(s.Min, min(s.Max, g)) }

// TranscriptRow is one student's line of a transcript. Criteria without a
// grade yet are nil.
type TranscriptRow struct {
	Department string
	StudentID  string
	Name       string
	Username   string
	Project    string
	Outcome    *Grade
	Report     *Grade
	// Presentation is the grade of the oral presentation (the slides).
	Presentation *Grade
	Adjustment   *Grade
	Final        *Grade
}
