package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/acanban/acanban/internal/domain"
	"github.com/acanban/acanban/internal/store"
)

func testEvaluations(t *testing.T, s store.Store) {
	ctx := context.Background()
	sup := mustUserAs(t, s, "sup", domain.RoleSupervisor, "")
	judge := mustUserAs(t, s, "judge", domain.RoleJudge, "")
	t0 := now()
	p := mustProject(t, s, newProject("P", sup, t0))
	q := mustProject(t, s, newProject("Q", sup, t0))
	task := mustTask(t, s, newTask(p, "T", sup, t0))
	add := func(e domain.Evaluation) domain.Evaluation {
		t.Helper()
		got, err := s.AddEvaluation(ctx, e)
		if err != nil {
			t.Fatalf("AddEvaluation(%+v): %v", e, err)
		}
		return got
	}
	e1 := add(domain.Evaluation{ProjectID: p.ID, Criterion: domain.CriterionOutcome, Grader: sup, Grade: 12250, Comment: "good", Created: t0})
	e2 := add(domain.Evaluation{ProjectID: p.ID, Criterion: domain.CriterionOutcome, Grader: sup, Grade: 13000, Comment: "revised", Created: t0.Add(time.Second)})
	add(domain.Evaluation{ProjectID: p.ID, Criterion: domain.CriterionTask, TaskID: task.ID, Grader: sup, Grade: 15000, Created: t0})
	add(domain.Evaluation{ProjectID: p.ID, Criterion: domain.CriterionReport, Grader: judge, Grade: -500, Created: t0})
	add(domain.Evaluation{ProjectID: q.ID, Criterion: domain.CriterionReport, Grader: judge, Grade: 1, Created: t0})
	if e1.ID == 0 || e2.ID <= e1.ID {
		t.Errorf("IDs %d, %d; want increasing", e1.ID, e2.ID)
	}
	es, err := s.Evaluations(ctx, p.ID)
	if err != nil || len(es) != 4 {
		t.Fatalf("Evaluations = %v, %v; want the 4 of P", es, err)
	}
	if es[0].ID != e1.ID || es[1].Grade != 13000 || es[1].Comment != "revised" || es[2].TaskID != task.ID ||
		es[2].Criterion != domain.CriterionTask || es[3].Grade != -500 || es[3].Grader.Username != "judge" ||
		es[3].Grader.Role != domain.RoleJudge || !es[1].Created.Equal(t0.Add(time.Second)) || es[0].TaskID != 0 {
		t.Errorf("Evaluations = %+v", es)
	}
	// A task grade needs its task; another criterion must not name one.
	if _, err := s.AddEvaluation(ctx, domain.Evaluation{ProjectID: p.ID, Criterion: domain.CriterionTask, Grader: sup, Created: t0}); err == nil {
		t.Error("a task grade without a task was accepted")
	}
	if _, err := s.AddEvaluation(ctx, domain.Evaluation{ProjectID: p.ID, Criterion: domain.CriterionOutcome, TaskID: task.ID, Grader: sup, Created: t0}); err == nil {
		t.Error("an outcome grade naming a task was accepted")
	}
}

func testAdjustmentsAndPublication(t *testing.T, s store.Store) {
	ctx := context.Background()
	sup := mustUserAs(t, s, "sup", domain.RoleSupervisor, "")
	stu := mustUserAs(t, s, "stu", domain.RoleStudent, "")
	t0 := now()
	p := mustProject(t, s, newProject("P", sup, t0))
	for i, d := range []domain.Grade{1500, -2000} {
		if _, err := s.AddAdjustment(ctx, domain.Adjustment{ProjectID: p.ID, Student: stu, Delta: d, Reason: "r", By: sup,
			Created: t0.Add(time.Duration(i) * time.Second)}); err != nil {
			t.Fatal(err)
		}
	}
	as, err := s.Adjustments(ctx, p.ID)
	if err != nil || len(as) != 2 || as[0].Delta != 1500 || as[1].Delta != -2000 || as[1].Student.Username != "stu" ||
		as[1].By.Username != "sup" || as[1].Reason != "r" {
		t.Errorf("Adjustments = %+v, %v", as, err)
	}
	if got, _ := s.ProjectByID(ctx, p.ID); !got.Published.IsZero() {
		t.Error("a new project is published")
	}
	if err := s.PublishResults(ctx, p.ID, t0); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.ProjectByID(ctx, p.ID); !got.Published.Equal(t0) {
		t.Errorf("published = %v; want %v", got.Published, t0)
	}
	if err := s.PublishResults(ctx, 99999, t0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("PublishResults(unknown) = %v", err)
	}
}
