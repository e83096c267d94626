package domain

// This file is the one place where Acanban decides who may do what.

// CanEditProfile: people edit their own profile only.
func CanEditProfile(actor, target User) bool { return actor.ID != 0 && actor.ID == target.ID }

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
