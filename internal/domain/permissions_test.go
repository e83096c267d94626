package domain

import (
	"strings"
	"testing"
)

// briefTable is the brief's permission table, as written there: one row per
// action, one column per standing. "✓" allows; anything else refuses.
var briefTable = []struct {
	action Action
	cells  string // guest | student member | supervisor member | non-member | assigned judge | assistant
}{
	{ViewProject, "401 | ✓ | ✓ | 403 | ✓ | ✓"},
	{EditProject, "401 | ✓ | ✓ | 403 | 403 | 403"},
	{ViewBoard, "401 | ✓ | ✓ | 403 | ✓ read | ✓ read"},
	{WriteTask, "401 | ✓ | ✓ | 403 | 403 | 403"},
	{HandIn, "401 | assignee ✓ | 403 | 403 | 403 | 403"},
	{GradeTask, "401 | 403 | ✓ | 403 | 403 | 403"},
	{UploadArtifact, "401 | ✓ | 403 | 403 | 403 | 403"},
	{GradeArtifact, "401 | 403 | 403 | 403 | ✓ | 403"},
	{ManageEvaluation, "401 | 403 | 403 | 403 | 403 | ✓"},
}

var columns = []Standing{Guest, StudentMember, SupervisorMember, Outsider, AssignedJudge, DeptAssistant}

func TestPermissionTable(t *testing.T) {
	for _, row := range briefTable {
		cells := strings.Split(row.cells, "|")
		for i, st := range columns {
			cell := strings.TrimSpace(cells[i])
			want := strings.Contains(cell, "✓")
			if got := Allowed(st, row.action); got != want {
				t.Errorf("action %d, %s: allowed %v; the brief says %q", row.action, st, got, cell)
			}
			err := Authorize(st, row.action)
			switch {
			case want && err != nil:
				t.Errorf("action %d, %s: Authorize = %v; want nil", row.action, st, err)
			case !want && cell == "401" && KindOf(err) != KindUnauthenticated:
				t.Errorf("action %d, %s: Authorize = %v; want 401", row.action, st, err)
			case !want && cell == "403" && KindOf(err) != KindForbidden:
				t.Errorf("action %d, %s: Authorize = %v; want 403", row.action, st, err)
			}
		}
	}
}

func TestStandingOf(t *testing.T) {
	p := Project{Department: "ICT"}
	stu := &User{ID: 1, Role: RoleStudent}
	judge := &User{ID: 2, Role: RoleJudge}
	asst := &User{ID: 3, Role: RoleAssistant, Department: "ICT"}
	other := &User{ID: 4, Role: RoleAssistant, Department: "Law"}
	noDept := &User{ID: 5, Role: RoleAssistant}
	for _, c := range []struct {
		name  string
		u     *User
		role  Role
		judge bool
		want  Standing
	}{
		{"guest", nil, "", false, Guest},
		{"student member", stu, RoleStudent, false, StudentMember},
		{"supervisor member", &User{ID: 6, Role: RoleSupervisor}, RoleSupervisor, false, SupervisorMember},
		{"non-member", stu, "", false, Outsider},
		{"assigned judge", judge, "", true, AssignedJudge},
		{"unassigned judge", judge, "", false, Outsider},
		{"assistant of the department", asst, "", false, DeptAssistant},
		{"assistant of another department", other, "", false, Outsider},
		{"assistant without department", noDept, "", false, Outsider},
		{"a student flagged as judge is not a judge", stu, "", true, Outsider},
	} {
		if got := StandingOf(c.u, p, c.role, c.judge); got != c.want {
			t.Errorf("%s: %s; want %s", c.name, got, c.want)
		}
	}
	if got := StandingOf(noDept, Project{}, "", false); got != Outsider {
		t.Errorf("assistant without department on a project without department: %s; want non-member", got)
	}
}
