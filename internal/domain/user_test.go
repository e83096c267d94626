package domain

import "testing"

func TestValidateUsername(t *testing.T) {
	for name, ok := range map[string]bool{
		"ab": true, "a": false, "ada.lovelace_1-2": true, "Ada": false, "ada lovelace": false,
		"ađa": false, "": false, "abcdefghijklmnopqrstuvwxyz012345": true, "abcdefghijklmnopqrstuvwxyz0123456": false,
		"a/b": false, "a@b": false,
	} {
		if err := ValidateUsername(name); (err == nil) != ok {
			t.Errorf("ValidateUsername(%q) = %v; want ok=%v", name, err, ok)
		}
	}
	if NormalizeUsername("  Ada.L ") != "ada.l" {
		t.Error("NormalizeUsername does not trim and lower-case")
	}
}

func TestValidateEmail(t *testing.T) {
	for addr, ok := range map[string]bool{
		"ada@example.edu": true, "a.b+c@sub.example.edu": true, "ada@localhost": false, "ada": false,
		"@example.edu": false, "ada@": false, "ada <ada@example.edu>": false, "ada@example.": false,
		"ada@.example.edu": false, "a b@example.edu": false,
	} {
		if err := ValidateEmail(addr); (err == nil) != ok {
			t.Errorf("ValidateEmail(%q) = %v; want ok=%v", addr, err, ok)
		}
	}
}

func TestParseRole(t *testing.T) {
	for in, want := range map[string]Role{"student": RoleStudent, " Judge ": RoleJudge, "assistant": RoleAssistant} {
		if r, err := ParseRole(in); err != nil || r != want {
			t.Errorf("ParseRole(%q) = %v, %v; want %v", in, r, err, want)
		}
	}
	for _, bad := range []string{"", "admin", "wizard"} {
		if _, err := ParseRole(bad); KindOf(err) != KindInvalid {
			t.Errorf("ParseRole(%q) = %v; want an invalid-value error", bad, err)
		}
	}
	if !RoleStudent.SelfRegistering() || !RoleSupervisor.SelfRegistering() || RoleJudge.SelfRegistering() || RoleAssistant.SelfRegistering() {
		t.Error("only students and supervisors register themselves")
	}
}

func TestPermissions(t *testing.T) {
	ada := User{ID: 1, Role: RoleStudent}
	bob := User{ID: 2, Role: RoleSupervisor}
	admin := User{ID: 3, Role: RoleSupervisor, Admin: true}
	asst := User{ID: 4, Role: RoleAssistant}
	for _, c := range []struct {
		name string
		got  bool
		want bool
	}{
		{"own profile", CanEditProfile(ada, ada), true},
		{"another's profile", CanEditProfile(ada, bob), false},
		{"admin, another's profile", CanEditProfile(admin, ada), false},
		{"guest (zero user)", CanEditProfile(User{}, User{}), false},
		{"student invites", CanInvite(ada, RoleStudent), false},
		{"supervisor invites", CanInvite(bob, RoleStudent), false},
		{"admin invites an assistant", CanInvite(admin, RoleAssistant), true},
		{"assistant invites a judge", CanInvite(asst, RoleJudge), true},
		{"assistant invites an assistant", CanInvite(asst, RoleAssistant), false},
		{"admin manages accounts", CanManageAccounts(admin), true},
		{"assistant manages accounts", CanManageAccounts(asst), false},
		{"student manages accounts", CanManageAccounts(ada), false},
		{"guest manages accounts", CanManageAccounts(User{}), false},
	} {
		if c.got != c.want {
			t.Errorf("%s: %v; want %v", c.name, c.got, c.want)
		}
	}
}

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"Nguyễn Gia Phong": "nguyen gia phong", "ĐẶNG  Thị\tÁnh": "dang thi anh", "Kanban": "kanban", "Łódź": "lodz",
	} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q; want %q", in, got, want)
		}
	}
}
