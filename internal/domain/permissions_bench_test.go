package domain_test

import (
	"testing"

	"github.com/acanban/acanban/internal/domain"
)

// BenchmarkAuthorize decides a viewer's standing in a project and checks
// one action of each kind, as each project request does once.
func BenchmarkAuthorize(b *testing.B) {
	p := domain.Project{ID: 1, Department: "Physics"}
	viewers := []struct {
		u     domain.User
		role  domain.Role
		judge bool
	}{
		{domain.User{ID: 1, Role: domain.RoleStudent}, domain.RoleStudent, false},
		{domain.User{ID: 2, Role: domain.RoleSupervisor}, domain.RoleSupervisor, false},
		{domain.User{ID: 3, Role: domain.RoleJudge}, "", true},
		{domain.User{ID: 4, Role: domain.RoleAssistant, Department: "Physics"}, "", false},
		{domain.User{ID: 5, Role: domain.RoleStudent}, "", false},
	}
	allowed := 0
	for b.Loop() {
		for _, v := range viewers {
			s := domain.StandingOf(&v.u, p, v.role, v.judge)
			for a := domain.ViewProject; a <= domain.ManageEvaluation; a++ {
				if domain.Authorize(s, a) == nil {
					allowed++
				}
			}
		}
	}
	if allowed == 0 {
		b.Fatal("nobody may do anything")
	}
}
