package domain

import (
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Role is what an account does in the faculty.
type Role string

const (
	RoleStudent    Role = "student"
	RoleSupervisor Role = "supervisor"
	RoleJudge      Role = "judge"
	RoleAssistant  Role = "assistant"
)

// Roles lists every role in the order forms offer them.
var Roles = []Role{RoleStudent, RoleSupervisor, RoleJudge, RoleAssistant}

// ParseRole validates a role name as typed in a form or on the command line.
func ParseRole(s string) (Role, error) {
	r := Role(strings.ToLower(strings.TrimSpace(s)))
	for _, known := range Roles {
		if r == known {
			return r, nil
		}
	}
	if s == "" {
		return "", Invalid("role", "Choose a role: student, supervisor, judge or assistant.")
	}
	return "", Invalid("role", "Unknown role %q: choose student, supervisor, judge or assistant.", s)
}

// SelfRegistering reports whether anyone may pick this role when registering
// without an invitation. Judges and assistants always come from an invitation,
// an admin or the command line.
func (r Role) SelfRegistering() bool { return r == RoleStudent || r == RoleSupervisor }

// Title is the role's name for display.
func (r Role) Title() string {
	switch r {
	case RoleStudent:
		return "Student"
	case RoleSupervisor:
		return "Supervisor"
	case RoleJudge:
		return "Judge"
	case RoleAssistant:
		return "Academic assistant"
	}
	return string(r)
}

// User is an account.
type User struct {
	ID           int64
	Username     string // lower case, the primary handle
	Name         string // legal name
	Email        string // lower case
	PasswordHash string
	Role         Role
	Department   string
	StudentID    string
	Bio          string // Markdown
	Admin        bool
	Disabled     bool // by an admin: cannot log in
	Created      time.Time
	Updated      time.Time
}

// Limits on account fields.
const (
	MinUsername    = 2
	MaxUsername    = 32
	MinPassword    = 8
	MaxPassword    = 1024
	MaxName        = 100
	MaxEmail       = 254
	MaxDepartment  = 100
	MaxStudentID   = 32
	MaxBio         = 10000
	usernameSymbol = "._-"
)

// NormalizeUsername lower-cases and trims a username as typed; usernames are
// unique without regard to case.
func NormalizeUsername(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// ValidateUsername checks a normalised username: 2–32 of a-z 0-9 . _ -
func ValidateUsername(s string) error {
	if s == "" {
		return Invalid("username", "Choose a username.")
	}
	if len(s) < MinUsername || len(s) > MaxUsername {
		return Invalid("username", "A username has %d to %d characters.", MinUsername, MaxUsername)
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.ContainsRune(usernameSymbol, c)) {
			return Invalid("username", "A username uses only letters a–z, digits and . _ - (found %q).", c)
		}
	}
	return nil
}

// NormalizeEmail trims and lower-cases an address; emails are unique without
// regard to case.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// ValidateEmail checks a normalised address: one plain addr-spec with a
// domain, no display name.
func ValidateEmail(s string) error {
	if s == "" {
		return Invalid("email", "Enter an email address.")
	}
	if len(s) > MaxEmail {
		return Invalid("email", "An email address has at most %d characters.", MaxEmail)
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return Invalid("email", "%q is not a valid email address.", s)
	}
	at := strings.LastIndexByte(s, '@')
	if dom := s[at+1:]; !strings.Contains(dom, ".") || strings.HasPrefix(dom, ".") || strings.HasSuffix(dom, ".") {
		return Invalid("email", "%q is not a valid email address.", s)
	}
	return nil
}

// ValidatePassword checks a new password's length.
func ValidatePassword(field, p string) error {
	if n := utf8.RuneCountInString(p); n < MinPassword {
		return Invalid(field, "A password has at least %d characters.", MinPassword)
	}
	if len(p) > MaxPassword {
		return Invalid(field, "A password has at most %d bytes.", MaxPassword)
	}
	return nil
}

// Profile is the part of a user that they edit themselves.
type Profile struct {
	Name       string
	Email      string
	Department string
	StudentID  string
	Bio        string
}

// Normalize trims the fields and lower-cases the email.
func (p *Profile) Normalize() {
	p.Name = strings.TrimSpace(p.Name)
	p.Email = NormalizeEmail(p.Email)
	p.Department = strings.TrimSpace(p.Department)
	p.StudentID = strings.TrimSpace(p.StudentID)
	p.Bio = strings.TrimSpace(strings.ReplaceAll(p.Bio, "\r\n", "\n"))
}

// Validate checks a normalised profile.
func (p *Profile) Validate() error {
	if p.Name == "" {
		return Invalid("name", "Enter your name.")
	}
	if err := ValidateLine("name", p.Name, MaxName); err != nil {
		return err
	}
	if err := ValidateEmail(p.Email); err != nil {
		return err
	}
	if err := ValidateLine("department", p.Department, MaxDepartment); err != nil {
		return err
	}
	if err := ValidateLine("student_id", p.StudentID, MaxStudentID); err != nil {
		return err
	}
	return ValidateText("bio", p.Bio, MaxBio)
}

// ValidateLine checks a one-line text field: UTF-8, no control
// characters, at most max characters.
func ValidateLine(field, v string, max int) error {
	if !utf8.ValidString(v) || strings.IndexFunc(v, unicode.IsControl) >= 0 {
		return Invalid(field, "This field is one line of text, without control characters.")
	}
	return maxLen(field, v, max)
}

// ValidateText checks a multi-line text field: UTF-8, no control
// characters but newlines and tabs, at most max characters.
func ValidateText(field, v string, max int) error {
	bad := func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' && r != '\r' }
	if !utf8.ValidString(v) || strings.IndexFunc(v, bad) >= 0 {
		return Invalid(field, "This text holds control characters that cannot be stored.")
	}
	return maxLen(field, v, max)
}

func maxLen(field, v string, n int) error {
	if utf8.RuneCountInString(v) > n {
		return Invalid(field, "This field has at most %d characters.", n)
	}
	return nil
}

// Apply copies the profile into u.
func (p Profile) Apply(u *User) {
	u.Name, u.Email, u.Department, u.StudentID, u.Bio = p.Name, p.Email, p.Department, p.StudentID, p.Bio
}

// ProfileOf returns the editable part of u.
func ProfileOf(u User) Profile {
	return Profile{Name: u.Name, Email: u.Email, Department: u.Department, StudentID: u.StudentID, Bio: u.Bio}
}

// RegistrationMode says who may create an account through the web form.
type RegistrationMode string

const (
	RegistrationOpen   RegistrationMode = "open"   // anyone, as student or supervisor
	RegistrationInvite RegistrationMode = "invite" // an invitation token is required
	RegistrationClosed RegistrationMode = "closed" // only admins create accounts
)

// ParseRegistrationMode validates a registration mode setting.
func ParseRegistrationMode(s string) (RegistrationMode, error) {
	switch m := RegistrationMode(s); m {
	case RegistrationOpen, RegistrationInvite, RegistrationClosed:
		return m, nil
	}
	return "", Invalid("registration", "Unknown registration mode %q: use open, invite or closed.", s)
}
