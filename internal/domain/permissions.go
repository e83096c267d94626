package domain

// This file is the one place where Acanban decides who may do what.

// Standing is what a user is to one project.
type Standing int

const (
	Guest            Standing = iota // not logged in
	Outsider                         // logged in, no relation to the project
	StudentMember                    // a student of the project
	SupervisorMember                 // a supervisor of the project
	AssignedJudge                    // a judge assigned to the project
	DeptAssistant                    // an assistant of the project's department
)

var standingNames = [...]string{"guest", "non-member", "student member", "supervisor member", "assigned judge", "assistant"}

func (s Standing) String() string { return standingNames[s] }

// Member reports whether the standing is a membership.
func (s Standing) Member() bool { return s == StudentMember || s == SupervisorMember }

// StandingOf says what u (nil for a guest) is to project p, given u's
// membership role in p ("" for none) and whether u is one of p's judges.
func StandingOf(u *User, p Project, memberRole Role, judge bool) Standing {
	switch {
	case u == nil:
		return Guest
	case memberRole == RoleStudent:
		return StudentMember
	case memberRole == RoleSupervisor:
		return SupervisorMember
	case u.Role == RoleJudge && judge:
		return AssignedJudge
	case u.Role == RoleAssistant && u.Department != "" && u.Department == p.Department:
		return DeptAssistant
	}
	return Outsider
}

// Action is something done to a project.
type Action int

const (
	ViewProject      Action = iota // info and members tabs
	EditProject                    // edit, invite, leave
	ViewBoard                      // board and task pages
	WriteTask                      // create, edit, move tasks; comment
	HandIn                         // hand in task evidence (the assignee only)
	GradeTask                      // grade tasks and the project outcome
	UploadArtifact                 // report and slides revisions
	GradeArtifact                  // grade report and slides
	ManageEvaluation               // assign judges, export transcripts and statistics
)

// permissions is the brief's table: who may take each action on a project.
// HandIn is further limited to the task's assignee.
var permissions = map[Action]map[Standing]bool{
	ViewProject:      {StudentMember: true, SupervisorMember: true, AssignedJudge: true, DeptAssistant: true},
	EditProject:      {StudentMember: true, SupervisorMember: true},
	ViewBoard:        {StudentMember: true, SupervisorMember: true, AssignedJudge: true, DeptAssistant: true},
	WriteTask:        {StudentMember: true, SupervisorMember: true},
	HandIn:           {StudentMember: true},
	GradeTask:        {SupervisorMember: true},
	UploadArtifact:   {StudentMember: true},
	GradeArtifact:    {AssignedJudge: true},
	ManageEvaluation: {DeptAssistant: true},
}

// Allowed reports whether standing s may take action a.
func Allowed(s Standing, a Action) bool { return permissions[a][s] }

// Authorize returns nil when s may take action a, else the error to show:
// 401 for guests, 403 for the others.
func Authorize(s Standing, a Action) error {
	switch {
	case Allowed(s, a):
		return nil
	case s == Guest:
		return Unauthenticated("Log in to see this project.")
	case a == ViewProject || a == ViewBoard:
		return Forbidden("You are not a member of this project.")
	case !s.Member():
		return Forbidden("Only the project's members may do this.")
	}
	return Forbidden("As a %s of this project, you may not do this.", s)
}

// CanCreateProject: students and supervisors start projects.
func CanCreateProject(u User) bool { return u.Role == RoleStudent || u.Role == RoleSupervisor }

// CanJoinProject: only students and supervisors become members.
func CanJoinProject(u User) bool { return CanCreateProject(u) }

// CanEditProfile: people edit their own profile only.
func CanEditProfile(actor, target User) bool { return actor.ID != 0 && actor.ID == target.ID }

// CanManageAccounts: admins create accounts (one by one or from a file),
// of any role, admins included.
func CanManageAccounts(u User) bool { return u.Admin }

// CanInvite: admins invite anyone; assistants invite students, supervisors
// and judges.
func CanInvite(actor User, r Role) bool {
	switch {
	case actor.Admin:
		return true
	case actor.Role == RoleAssistant:
		return r != RoleAssistant
	}
	return false
}
