// Package grading is the academic evaluation: supervisors grade tasks and
// the project outcome, judges the report and the presentation, supervisors
// adjust a student's grade within bounds, assistants assign judges, publish
// results and export transcripts. Every grade is kept, version by version.
package grading

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/acanban/acanban/internal/domain"
	"github.com/acanban/acanban/internal/projects"
	"github.com/acanban/acanban/internal/store"
)

// Service holds what grading needs.
type Service struct {
	Store    store.Store
	Projects *projects.Service
	Scale    domain.Scale
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

func (s *Service) now() time.Time { return domain.Clock(s.Now).Now() }

// MaxComment is the longest comment of a grade or reason of an adjustment.
const MaxComment = 5000

func comment(field, c string) (string, error) {
	c = strings.TrimSpace(strings.ReplaceAll(c, "\r\n", "\n"))
	return c, domain.ValidateText(field, c, MaxComment)
}

func (s *Service) grade(ctx context.Context, a projects.Access, act domain.Action, crit domain.Criterion, task int64, grade, text string) (domain.Evaluation, error) {
	if err := a.Require(act); err != nil {
		return domain.Evaluation{}, err
	}
	g, err := s.Scale.Check("grade", grade)
	if err != nil {
		return domain.Evaluation{}, err
	}
	c, err := comment("comment", text)
	if err != nil {
		return domain.Evaluation{}, err
	}
	return s.Store.AddEvaluation(ctx, domain.Evaluation{ProjectID: a.Project.ID, Criterion: crit, TaskID: task,
		Grader: *a.Viewer, Grade: g, Comment: c, Created: s.now()})
}

// GradeOutcome records a supervisor's grade of the project outcome.
func (s *Service) GradeOutcome(ctx context.Context, a projects.Access, grade, text string) (domain.Evaluation, error) {
	return s.grade(ctx, a, domain.GradeTask, domain.CriterionOutcome, 0, grade, text)
}

// GradeTask records a supervisor's grade of task number, with feedback
// for its assignee.
func (s *Service) GradeTask(ctx context.Context, a projects.Access, number int, grade, text string) (domain.Evaluation, error) {
	if err := a.Require(domain.GradeTask); err != nil {
		return domain.Evaluation{}, err
	}
	t, err := s.Store.TaskByNumber(ctx, a.Project.ID, number)
	if errors.Is(err, store.ErrNotFound) {
		return domain.Evaluation{}, domain.NotFound("There is no task #%d in this project.", number)
	}
	if err != nil {
		return domain.Evaluation{}, err
	}
	return s.grade(ctx, a, domain.GradeTask, domain.CriterionTask, t.ID, grade, text)
}

// GradeArtifact records an assigned judge's grade of the report or the
// presentation (the slides).
func (s *Service) GradeArtifact(ctx context.Context, a projects.Access, slot domain.Slot, grade, text string) (domain.Evaluation, error) {
	crit := domain.CriterionReport
	if slot == domain.SlotSlides {
		crit = domain.CriterionPresentation
	}
	return s.grade(ctx, a, domain.GradeArtifact, crit, 0, grade, text)
}

// Adjust changes one student's grade by delta, within the scale's bound,
// for a stated reason.
func (s *Service) Adjust(ctx context.Context, a projects.Access, student, delta, reason string) (domain.Adjustment, error) {
	if err := a.Require(domain.GradeTask); err != nil {
		return domain.Adjustment{}, err
	}
	d, err := s.Scale.CheckAdjustment("delta", delta)
	if err != nil {
		return domain.Adjustment{}, err
	}
	r, err := comment("reason", reason)
	if err != nil {
		return domain.Adjustment{}, err
	}
	if r == "" {
		return domain.Adjustment{}, domain.Invalid("reason", "Give the reason for the adjustment: it goes in the audit trail.")
	}
	members, err := s.Store.Members(ctx, a.Project.ID)
	if err != nil {
		return domain.Adjustment{}, err
	}
	name := domain.NormalizeUsername(student)
	for _, m := range members {
		if m.User.Username == name && m.Role == domain.RoleStudent {
			return s.Store.AddAdjustment(ctx, domain.Adjustment{ProjectID: a.Project.ID, Student: m.User, Delta: d,
				Reason: r, By: *a.Viewer, Created: s.now()})
		}
	}
	return domain.Adjustment{}, domain.Invalid("student", "%q is not a student of this project.", student)
}

// Publish makes the project's results visible to its students.
func (s *Service) Publish(ctx context.Context, a projects.Access) error {
	if err := a.Require(domain.ManageEvaluation); err != nil {
		return err
	}
	return s.Store.PublishResults(ctx, a.Project.ID, s.now())
}

// AssignJudge makes the judge called username a judge of the project.
func (s *Service) AssignJudge(ctx context.Context, a projects.Access, username string) (domain.User, error) {
	if err := a.Require(domain.ManageEvaluation); err != nil {
		return domain.User{}, err
	}
	u, err := s.Store.UserByUsername(ctx, domain.NormalizeUsername(username))
	if errors.Is(err, store.ErrNotFound) {
		return u, &domain.Error{Kind: domain.KindNotFound, Field: "username", Message: fmt.Sprintf("There is no user %q.", username)}
	}
	if err != nil {
		return u, err
	}
	if u.Role != domain.RoleJudge {
		return u, domain.Invalid("username", "%s is not a judge: only judge accounts grade reports and presentations.", u.Username)
	}
	if u.Disabled {
		return u, domain.Invalid("username", "The account of %s is disabled.", u.Username)
	}
	err = s.Store.AssignJudge(ctx, a.Project.ID, u.ID, a.Viewer.ID, s.now())
	if errors.Is(err, store.ErrConflict) {
		return u, domain.Conflict("username", "%s is already a judge of this project.", u.Username)
	}
	return u, err
}

// UnassignJudge takes the judge called username off the project; their
// grades stay in the audit trail but no longer count.
func (s *Service) UnassignJudge(ctx context.Context, a projects.Access, username string) error {
	if err := a.Require(domain.ManageEvaluation); err != nil {
		return err
	}
	u, err := s.Store.UserByUsername(ctx, domain.NormalizeUsername(username))
	if err == nil {
		err = s.Store.UnassignJudge(ctx, a.Project.ID, u.ID)
	}
	if errors.Is(err, store.ErrNotFound) {
		return &domain.Error{Kind: domain.KindNotFound, Field: "username", Message: fmt.Sprintf("%q is not a judge of this project.", username)}
	}
	return err
}

// Sheet is what the grades tab shows a viewer.
type Sheet struct {
	Project   domain.Project
	Scale     domain.Scale
	Published bool
	// Visible: the viewer may see the grades (students: once published).
	Visible bool
	Result  domain.Result
	Final   domain.Grade
	// HasFinal: every criterion has a grade.
	HasFinal bool
	Missing  []domain.Criterion
	// Latest grades of each grader, by criterion.
	Outcome, Report, Presentation []domain.Evaluation
	Students                      []StudentResult
	Judges                        []domain.User
	// Trail is the versions the viewer may audit: all for assistants, their
	// own for graders.
	Trail       []domain.Evaluation
	Adjustments []domain.Adjustment
	// Mine are the viewer's latest grades, to fill their forms.
	Mine map[string]domain.Evaluation
	// What the viewer may do.
	CanGradeOutcome, CanGradeArtifacts, CanManage bool
}

// Sheet computes the project's grades as the viewer may see them.
func (s *Service) Sheet(ctx context.Context, a projects.Access) (Sheet, error) {
	if err := a.Require(domain.ViewProject); err != nil {
		return Sheet{}, err
	}
	all, err := s.Store.Evaluations(ctx, a.Project.ID)
	if err != nil {
		return Sheet{}, err
	}
	judges, err := s.Store.Judges(ctx, a.Project.ID)
	if err != nil {
		return Sheet{}, err
	}
	members, err := s.Store.Members(ctx, a.Project.ID)
	if err != nil {
		return Sheet{}, err
	}
	adjs, err := s.Store.Adjustments(ctx, a.Project.ID)
	if err != nil {
		return Sheet{}, err
	}
	latest := counted(Latest(all), members, judges)
	sh := Sheet{Project: a.Project, Scale: s.Scale, Published: !a.Project.Published.IsZero(), Judges: judges,
		Mine:            map[string]domain.Evaluation{},
		CanGradeOutcome: a.Can(domain.GradeTask), CanGradeArtifacts: a.Can(domain.GradeArtifact), CanManage: a.Can(domain.ManageEvaluation)}
	sh.Visible = a.Standing != domain.StudentMember || sh.Published
	sh.Result = ResultOf(latest)
	sh.Final, sh.HasFinal = s.Scale.Final(sh.Result)
	sh.Missing = Missing(sh.Result)
	sh.Outcome = Of(latest, domain.CriterionOutcome, 0)
	sh.Report = Of(latest, domain.CriterionReport, 0)
	sh.Presentation = Of(latest, domain.CriterionPresentation, 0)
	sh.Students = Students(s.Scale, members, sh.Final, sh.HasFinal, adjs)
	if a.Standing == domain.StudentMember { // a student sees their own result only
		var own []StudentResult
		for _, st := range sh.Students {
			if st.Student.ID == a.Viewer.ID {
				own = append(own, st)
			}
		}
		sh.Students = own
	}
	for _, e := range all {
		switch {
		case sh.CanManage:
			sh.Trail = append(sh.Trail, e)
		case e.Grader.ID == a.Viewer.ID:
			sh.Trail = append(sh.Trail, e)
		}
		if e.Grader.ID == a.Viewer.ID && e.TaskID == 0 {
			sh.Mine[string(e.Criterion)] = e
		}
	}
	if sh.CanManage || a.Standing == domain.SupervisorMember {
		sh.Adjustments = adjs
	}
	if !sh.Visible {
		sh.Result, sh.Final, sh.HasFinal, sh.Outcome, sh.Report, sh.Presentation, sh.Students = domain.Result{}, 0, false, nil, nil, nil, nil
	}
	return sh, nil
}

// counted keeps the grades that count: those of current supervisors (for
// tasks and the outcome) and of the judges assigned now (for the report
// and presentation).
func counted(latest []domain.Evaluation, members []domain.Member, judges []domain.User) []domain.Evaluation {
	sup, jud := map[int64]bool{}, map[int64]bool{}
	for _, m := range members {
		if m.Role == domain.RoleSupervisor {
			sup[m.User.ID] = true
		}
	}
	for _, j := range judges {
		jud[j.ID] = true
	}
	var out []domain.Evaluation
	for _, e := range latest {
		switch e.Criterion {
		case domain.CriterionReport, domain.CriterionPresentation:
			if jud[e.Grader.ID] {
				out = append(out, e)
			}
		default:
			if sup[e.Grader.ID] {
				out = append(out, e)
			}
		}
	}
	return out
}

// TaskGrades returns the grade of task id (the mean of its supervisors'
// latest) and their feedback, for the task page: the assignee sees the
// feedback at once and the grade once results are published.
func (s *Service) TaskGrades(ctx context.Context, a projects.Access, task int64) ([]domain.Evaluation, error) {
	if err := a.Require(domain.ViewBoard); err != nil {
		return nil, err
	}
	all, err := s.Store.Evaluations(ctx, a.Project.ID)
	if err != nil {
		return nil, err
	}
	return Of(Latest(all), domain.CriterionTask, task), nil
}
