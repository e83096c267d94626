package grading

import (
	"testing"

	"github.com/acanban/acanban/internal/domain"
)

func TestLatestAndResult(t *testing.T) {
	sup := domain.User{ID: 1, Name: "Sup"}
	j1, j2 := domain.User{ID: 2, Name: "J1"}, domain.User{ID: 3, Name: "J2"}
	all := []domain.Evaluation{
		{ID: 1, Criterion: domain.CriterionReport, Grader: j1, Grade: 10000},
		{ID: 2, Criterion: domain.CriterionReport, Grader: j2, Grade: 14000},
		{ID: 3, Criterion: domain.CriterionReport, Grader: j1, Grade: 12000}, // j1 revises
		{ID: 4, Criterion: domain.CriterionOutcome, Grader: sup, Grade: 16000},
		{ID: 5, Criterion: domain.CriterionPresentation, Grader: j2, Grade: 11000},
		{ID: 6, Criterion: domain.CriterionTask, TaskID: 9, Grader: sup, Grade: 20000},
	}
	latest := Latest(all)
	if len(latest) != 5 {
		t.Fatalf("Latest kept %d grades; want 5", len(latest))
	}
	r := ResultOf(latest)
	if r.Report != 13000 || r.Outcome != 16000 || r.Presentation != 11000 || !r.Complete() {
		t.Errorf("result = %+v; want report 13 (mean of 12 and 14), outcome 16, presentation 11", r)
	}
	final, ok := domain.DefaultScale.Final(r)
	if !ok || final != 14000 { // 0.5*16 + 0.25*13 + 0.25*11
		t.Errorf("final = %v; want 14", final)
	}
	members := []domain.Member{{User: sup, Role: domain.RoleSupervisor}}
	judges := []domain.User{j2} // j1 unassigned: their grades stop counting
	r = ResultOf(counted(latest, members, judges))
	if r.Report != 14000 || r.Outcome != 16000 {
		t.Errorf("counted result = %+v; want only j2's report grade", r)
	}
	if got := Missing(domain.Result{HasReport: true}); len(got) != 2 {
		t.Errorf("Missing = %v", got)
	}
}

func TestStudents(t *testing.T) {
	a := domain.User{ID: 1, Name: "Ada"}
	b := domain.User{ID: 2, Name: "Bob"}
	sup := domain.User{ID: 3, Name: "Sup"}
	members := []domain.Member{{User: b, Role: domain.RoleStudent}, {User: a, Role: domain.RoleStudent}, {User: sup, Role: domain.RoleSupervisor}}
	adjs := []domain.Adjustment{{Student: a, Delta: 2000}, {Student: a, Delta: -1000}, {Student: b, Delta: 2000}}
	rs := Students(domain.DefaultScale, members, 19000, true, adjs)
	if len(rs) != 2 || rs[0].Student.Name != "Ada" {
		t.Fatalf("Students = %+v; want Ada and Bob", rs)
	}
	if rs[0].Final != 18000 || rs[0].Adjustment.Delta != -1000 {
		t.Errorf("Ada: %+v; want 19 - 1 = 18 (her latest adjustment)", rs[0])
	}
	if rs[1].Final != 20000 {
		t.Errorf("Bob: %v; want 19 + 2 kept at the maximum 20", rs[1].Final)
	}
	rs = Students(domain.DefaultScale, members, 0, false, adjs)
	if rs[0].HasFinal {
		t.Error("a final grade without the project's")
	}
}
