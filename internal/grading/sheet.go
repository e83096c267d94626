package grading

import (
	"sort"

	"github.com/acanban/acanban/internal/domain"
)

// criterionKey names the grades that one grader's versions revise.
type criterionKey struct {
	crit   domain.Criterion
	task   int64
	grader int64
}

// Latest keeps, of every version of every grade, the latest of each grader
// for each criterion (and task), in order of first grading.
func Latest(all []domain.Evaluation) []domain.Evaluation {
	idx := map[criterionKey]int{}
	var out []domain.Evaluation
	for _, e := range all {
		k := criterionKey{e.Criterion, e.TaskID, e.Grader.ID}
		if i, ok := idx[k]; ok {
			out[i] = e
			continue
		}
		idx[k] = len(out)
		out = append(out, e)
	}
	return out
}

// Of returns the evaluations of one criterion (and task).
func Of(es []domain.Evaluation, crit domain.Criterion, task int64) []domain.Evaluation {
	var out []domain.Evaluation
	for _, e := range es {
		if e.Criterion == crit && e.TaskID == task {
			out = append(out, e)
		}
	}
	return out
}

// ResultOf computes a project's criteria from its latest grades: each is
// the mean of its graders'.
func ResultOf(latest []domain.Evaluation) domain.Result {
	var r domain.Result
	r.Outcome, r.HasOutcome = domain.Mean(Of(latest, domain.CriterionOutcome, 0))
	r.Report, r.HasReport = domain.Mean(Of(latest, domain.CriterionReport, 0))
	r.Presentation, r.HasPresentation = domain.Mean(Of(latest, domain.CriterionPresentation, 0))
	return r
}

// StudentResult is one student's grade in a project.
type StudentResult struct {
	Student    domain.User
	Adjustment *domain.Adjustment // the latest, if any
	Final      domain.Grade       // the project's final grade plus the adjustment, kept on the scale
	HasFinal   bool
}

// Students computes each student member's result from the project's final
// grade and their latest adjustment.
func Students(scale domain.Scale, members []domain.Member, final domain.Grade, hasFinal bool, adjs []domain.Adjustment) []StudentResult {
	latest := map[int64]domain.Adjustment{}
	for _, a := range adjs {
		latest[a.Student.ID] = a
	}
	var out []StudentResult
	for _, m := range members {
		if m.Role != domain.RoleStudent {
			continue
		}
		r := StudentResult{Student: m.User, Final: final, HasFinal: hasFinal}
		if a, ok := latest[m.User.ID]; ok {
			r.Adjustment = &a
			if hasFinal {
				r.Final = scale.Clamp(final + a.Delta)
			}
		}
		out = append(out, r)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Student.Name < out[j].Student.Name })
	return out
}

// Missing lists the criteria without any grade.
func Missing(r domain.Result) []domain.Criterion {
	var out []domain.Criterion
	if !r.HasOutcome {
		out = append(out, domain.CriterionOutcome)
	}
	if !r.HasReport {
		out = append(out, domain.CriterionReport)
	}
	if !r.HasPresentation {
		out = append(out, domain.CriterionPresentation)
	}
	return out
}
