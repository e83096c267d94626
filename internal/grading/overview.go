package grading

import (
	"context"

	"github.com/acanban/acanban/internal/domain"
	"github.com/acanban/acanban/internal/projects"
	"github.com/acanban/acanban/internal/store"
)

// ProjectRow is one project of an assistant's department overview.
type ProjectRow struct {
	Summary  domain.ProjectSummary
	Members  []domain.Member
	Judges   []domain.User
	Result   domain.Result
	Final    domain.Grade
	HasFinal bool
	Missing  []domain.Criterion
	Students []StudentResult
}

// MaxOverview is the most projects one overview shows.
const MaxOverview = 5000

func requireAssistant(viewer *domain.User) error {
	switch {
	case viewer == nil:
		return domain.Unauthenticated("Log in to see the department overview.")
	case viewer.Role != domain.RoleAssistant:
		return domain.Forbidden("The department overview, transcripts and statistics are for academic assistants.")
	}
	return nil
}

// row computes the grades of one project.
func (s *Service) row(ctx context.Context, sum domain.ProjectSummary) (ProjectRow, error) {
	r := ProjectRow{Summary: sum}
	all, err := s.Store.Evaluations(ctx, sum.ID)
	if err != nil {
		return r, err
	}
	if r.Members, err = s.Store.Members(ctx, sum.ID); err != nil {
		return r, err
	}
	if r.Judges, err = s.Store.Judges(ctx, sum.ID); err != nil {
		return r, err
	}
	adjs, err := s.Store.Adjustments(ctx, sum.ID)
	if err != nil {
		return r, err
	}
	r.Result = ResultOf(counted(Latest(all), r.Members, r.Judges))
	r.Final, r.HasFinal = s.Scale.Final(r.Result)
	r.Missing = Missing(r.Result)
	r.Students = Students(s.Scale, r.Members, r.Final, r.HasFinal, adjs)
	return r, nil
}

// Overview lists every project of the assistant's department with its
// members, progress, missing grades and final grade.
func (s *Service) Overview(ctx context.Context, viewer *domain.User) ([]ProjectRow, error) {
	if err := requireAssistant(viewer); err != nil {
		return nil, err
	}
	ps, _, err := s.Store.SearchProjects(ctx, store.ProjectFilter{Viewer: *viewer, Now: s.now(), Limit: MaxOverview})
	if err != nil {
		return nil, err
	}
	rows := make([]ProjectRow, 0, len(ps))
	for _, p := range ps {
		r, err := s.row(ctx, p)
		if err != nil {
			return nil, err
		}
		rows = append(rows, r)
	}
	return rows, nil
}

// transcriptRows makes one line per student of the projects.
func transcriptRows(rows []ProjectRow) []domain.TranscriptRow {
	var out []domain.TranscriptRow
	opt := func(g domain.Grade, ok bool) *domain.Grade {
		if !ok {
			return nil
		}
		return &g
	}
	for _, r := range rows {
		for _, st := range r.Students {
			t := domain.TranscriptRow{
				Department: r.Summary.Department, StudentID: st.Student.StudentID, Name: st.Student.Name,
				Username: st.Student.Username, Project: r.Summary.Name,
				Outcome: opt(r.Result.Outcome, r.Result.HasOutcome), Report: opt(r.Result.Report, r.Result.HasReport),
				Presentation: opt(r.Result.Presentation, r.Result.HasPresentation), Final: opt(st.Final, st.HasFinal),
			}
			if st.Adjustment != nil {
				t.Adjustment = &st.Adjustment.Delta
			}
			out = append(out, t)
		}
	}
	return out
}

// DepartmentTranscript is the transcript of every student of the
// assistant's department.
func (s *Service) DepartmentTranscript(ctx context.Context, viewer *domain.User) ([]domain.TranscriptRow, error) {
	rows, err := s.Overview(ctx, viewer)
	if err != nil {
		return nil, err
	}
	return transcriptRows(rows), nil
}

// ProjectTranscript is the transcript of one project's students.
func (s *Service) ProjectTranscript(ctx context.Context, a projects.Access) ([]domain.TranscriptRow, error) {
	if err := a.Require(domain.ManageEvaluation); err != nil {
		return nil, err
	}
	sum, err := s.Store.ProjectSummary(ctx, a.Project.ID, s.now())
	if err != nil {
		return nil, err
	}
	r, err := s.row(ctx, sum)
	if err != nil {
		return nil, err
	}
	return transcriptRows([]ProjectRow{r}), nil
}

// ToGrade lists, for a judge, what they have not graded yet in a project:
// report, presentation, or neither.
func (s *Service) ToGrade(ctx context.Context, judge domain.User, project int64) ([]domain.Criterion, error) {
	all, err := s.Store.Evaluations(ctx, project)
	if err != nil {
		return nil, err
	}
	done := map[domain.Criterion]bool{}
	for _, e := range all {
		if e.Grader.ID == judge.ID {
			done[e.Criterion] = true
		}
	}
	var out []domain.Criterion
	for _, c := range []domain.Criterion{domain.CriterionReport, domain.CriterionPresentation} {
		if !done[c] {
			out = append(out, c)
		}
	}
	return out, nil
}
