// Package store defines Store, the only door to Acanban's database. Backends
// live in sub-packages (sqlite, and postgres later) and must all pass the
// conformance suite in storetest.
package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"
	"time"

	"github.com/acanban/acanban/internal/domain"
)

// Errors every backend returns, wrapped with context.
var (
	// ErrNotFound: no row matched.
	ErrNotFound = errors.New("store: not found")
	// ErrConflict: a uniqueness rule was broken. Backends wrap it in a
	// *ConflictError naming the field.
	ErrConflict = errors.New("store: conflict")
	// ErrStale: an update named a version that is no longer the stored one:
	// someone else changed the row in between.
	ErrStale = errors.New("store: changed since read")
)

// Unavailable reports whether err means the database cannot be reached
// (down, restarting, network cut), as opposed to a fault of the request:
// the site answers 503 and recovers when the database is back.
func Unavailable(err error) bool {
	var ne *net.OpError
	if errors.Is(err, driver.ErrBadConn) || errors.As(err, &ne) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.ErrUnexpectedEOF) {
		return true
	}
	// A database error with an SQLSTATE (PostgreSQL's): connection
	// exceptions (class 08), shutting down or starting up (57P01-57P03),
	// too many connections (53300).
	var st interface{ SQLState() string }
	if errors.As(err, &st) {
		code := st.SQLState()
		return strings.HasPrefix(code, "08") || code == "57P01" || code == "57P02" || code == "57P03" || code == "53300"
	}
	return false
}

// ConflictError names the field whose uniqueness a write broke.
type ConflictError struct{ Field string }

func (e *ConflictError) Error() string { return "store: conflict on " + e.Field }

// Unwrap makes errors.Is(err, ErrConflict) true.
func (e *ConflictError) Unwrap() error { return ErrConflict }

// Store is a database. Its Queries run each in their own transaction;
// Atomic groups several into one.
type Store interface {
	Queries
	// Atomic runs fn in one transaction: when fn returns an error or
	// panics, nothing it wrote stays.
	Atomic(ctx context.Context, fn func(q Queries) error) error
	// Ping reports whether the database answers.
	Ping(ctx context.Context) error
	Close() error
}

// Queries are the reads and writes of the application, grouped by entity.
type Queries interface {
	// Lock takes the lock named key until the end of the transaction
	// (Atomic): transactions that read then write the same thing, and take
	// the same lock first, run one at a time on every backend.
	Lock(ctx context.Context, key string) error
	Users
	Sessions
	Invites
	LoginFailures
	Projects
	Members
	Tasks
	Comments
	Files
	Evaluations
	Activities
	// Claim records value for key unless a value is already there, and
	// returns the value that holds.
	Claim(ctx context.Context, key, value string) (string, error)
}

// Users are accounts.
type Users interface {
	// CreateUser inserts u and returns it with its ID. A taken username or
	// email is a *ConflictError for field "username" or "email".
	CreateUser(ctx context.Context, u domain.User) (domain.User, error)
	UserByID(ctx context.Context, id int64) (domain.User, error)
	// UserByUsername looks up a normalised (lower-case) username.
	UserByUsername(ctx context.Context, username string) (domain.User, error)
	// UpdateProfile writes the profile fields of user id.
	UpdateProfile(ctx context.Context, id int64, p domain.Profile, now time.Time) error
	SetPasswordHash(ctx context.Context, id int64, hash string, now time.Time) error
	// SetDisabled disables (or enables again) the account id.
	SetDisabled(ctx context.Context, id int64, disabled bool, now time.Time) error
	CountUsers(ctx context.Context) (int, error)
	// SearchUsers lists users by username and how many match, counted up
	// to MaxCount+1 ("more than MaxCount").
	SearchUsers(ctx context.Context, f UserFilter) ([]domain.User, int, error)
}

// Sessions are logins, looked up by the hash of the browser's token.
type Sessions interface {
	CreateSession(ctx context.Context, s domain.Session) error
	// SessionUser returns a session that has not expired at now, with its
	// user, unless the user is disabled.
	SessionUser(ctx context.Context, id string, now time.Time) (domain.Session, domain.User, error)
	ExtendSession(ctx context.Context, id string, expires time.Time) error
	DeleteSession(ctx context.Context, id string) error
	// DeleteUserSessions ends every session of user except the one with ID
	// keep (which may be empty).
	DeleteUserSessions(ctx context.Context, user int64, keep string) error
	// DeleteExpiredSessions removes sessions expired at now, returning how many.
	DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error)
}

// Invites are one-use invitations to register.
type Invites interface {
	CreateInvite(ctx context.Context, inv domain.Invite) error
	// Invite returns the invitation with ID id, used or not.
	Invite(ctx context.Context, id string) (domain.Invite, error)
	// UseInvite marks the invitation with ID id as used by user at now. An
	// unknown, used or expired invitation is ErrNotFound: of two concurrent
	// uses, one fails.
	UseInvite(ctx context.Context, id string, user int64, now time.Time) error
}

// LoginFailures count failed logins per key (a username), for throttling.
type LoginFailures interface {
	RecordLoginFailure(ctx context.Context, key string, at time.Time) error
	// CountLoginFailures counts the failures of key at or after since.
	CountLoginFailures(ctx context.Context, key string, since time.Time) (int, error)
	ClearLoginFailures(ctx context.Context, key string) error
	// DeleteLoginFailures forgets failures before before.
	DeleteLoginFailures(ctx context.Context, before time.Time) error
}

// ProjectFilter selects projects for a list.
type ProjectFilter struct {
	// Viewer sees the projects they are a member of, are assigned to as a
	// judge, or (an assistant) those of their department: the projects
	// domain.ViewProject allows them.
	Viewer domain.User
	// Member, if not zero, keeps only the projects this user is a member of.
	Member int64
	// Query, if not empty, keeps projects whose name or description
	// contains it, folded with domain.Fold.
	Query string
	// Now is the time against which tasks are overdue.
	Now           time.Time
	Limit, Offset int
}

// Projects are group projects.
type Projects interface {
	CreateProject(ctx context.Context, p domain.Project) (domain.Project, error)
	ProjectByID(ctx context.Context, id int64) (domain.Project, error)
	// ProjectAccess returns project id with user's membership role in it
	// ("" for none) and whether user is one of its judges.
	ProjectAccess(ctx context.Context, id, user int64) (domain.Project, domain.Role, bool, error)
	// UpdateProject writes p's name, description, department and deadline
	// if the stored version is still p.Version (else ErrStale), and
	// returns p with its new version.
	UpdateProject(ctx context.Context, p domain.Project) (domain.Project, error)
	// SearchProjects lists the projects f selects, most recently updated
	// first, with their progress, and how many there are in all.
	SearchProjects(ctx context.Context, f ProjectFilter) ([]domain.ProjectSummary, int, error)
	// ProjectSummary returns one project's progress.
	ProjectSummary(ctx context.Context, id int64, now time.Time) (domain.ProjectSummary, error)
}

// Members are the students and supervisors of projects, and their judges.
type Members interface {
	// AddMember adds m; an existing member is a *ConflictError on "member".
	AddMember(ctx context.Context, m domain.Member) error
	// RemoveMember removes user from project; not a member is ErrNotFound.
	RemoveMember(ctx context.Context, project, user int64) error
	// Members lists a project's members, supervisors first, then by name.
	Members(ctx context.Context, project int64) ([]domain.Member, error)
	CountMembers(ctx context.Context, project int64) (int, error)
	// AssignJudge makes judge a judge of project; again is a *ConflictError on "judge".
	AssignJudge(ctx context.Context, project, judge, by int64, at time.Time) error
	// UnassignJudge: not a judge of the project is ErrNotFound.
	UnassignJudge(ctx context.Context, project, judge int64) error
	Judges(ctx context.Context, project int64) ([]domain.User, error)
}

// Tasks are the cards of a project's board, with their status history.
type Tasks interface {
	// CreateTask gives t the project's next number and stores it.
	CreateTask(ctx context.Context, t domain.Task) (domain.Task, error)
	TaskByNumber(ctx context.Context, project int64, number int) (domain.Task, error)
	// Tasks lists a project's tasks by number.
	Tasks(ctx context.Context, project int64) ([]domain.Task, error)
	// UpdateTask writes t's name, description, assignee, deadline and
	// status if the stored version is still t.Version (else ErrStale), and
	// returns t with its new version.
	UpdateTask(ctx context.Context, t domain.Task) (domain.Task, error)
	// SetTaskStatus sets the status of task id and returns the one it had.
	// Inside Atomic the task stays locked until the transaction ends.
	SetTaskStatus(ctx context.Context, id int64, s domain.Status, now time.Time) (domain.Status, error)
	// SetTaskWork records the evidence handed in for task id: a URL, or a
	// file (0 for none), replacing what was there.
	SetTaskWork(ctx context.Context, id int64, url string, file int64, now time.Time) error
	// UnassignTasks clears user as assignee of the tasks of project.
	UnassignTasks(ctx context.Context, project, user int64, now time.Time) error
	AddTaskEvent(ctx context.Context, e domain.TaskEvent) error
	// TaskEvents lists a task's status changes, oldest first.
	TaskEvents(ctx context.Context, task int64) ([]domain.TaskEvent, error)
}

// Comments are the discussion of tasks.
type Comments interface {
	CreateComment(ctx context.Context, c domain.Comment) (domain.Comment, error)
	CommentByID(ctx context.Context, id int64) (domain.Comment, error)
	// Comments lists a task's comments, oldest first.
	Comments(ctx context.Context, task int64) ([]domain.Comment, error)
}

// MaxCount is where the people search stops counting.
const MaxCount = 1000

// UserFilter selects users for the people search.
type UserFilter struct {
	Query         string        // folded; matches username or name
	Roles         []domain.Role // empty: any
	Limit, Offset int
}

// Files are the metadata of uploaded files, whose bytes are in files.Files.
type Files interface {
	// CreateFile records f and returns it with its ID.
	CreateFile(ctx context.Context, f domain.File) (domain.File, error)
	FileByID(ctx context.Context, id int64) (domain.File, error)
	// FilesByCID lists the records of a CID, newest first: the same bytes
	// may be uploaded to several projects, under several names.
	FilesByCID(ctx context.Context, cid string) ([]domain.File, error)
	// FileCIDs lists every CID a file record names, once each: what the
	// file store must keep.
	FileCIDs(ctx context.Context) ([]string, error)
	// AddRevision makes file the next revision of a project's slot.
	AddRevision(ctx context.Context, project int64, slot domain.Slot, file int64) (domain.Revision, error)
	// Revisions lists a project's revisions of slot, newest first.
	Revisions(ctx context.Context, project int64, slot domain.Slot) ([]domain.Revision, error)
}

// Evaluations are grades (each version kept), adjustments and publication.
type Evaluations interface {
	AddEvaluation(ctx context.Context, e domain.Evaluation) (domain.Evaluation, error)
	// Evaluations lists every version of every grade of a project, oldest
	// first, with the grader's ID, username, name and role.
	Evaluations(ctx context.Context, project int64) ([]domain.Evaluation, error)
	AddAdjustment(ctx context.Context, a domain.Adjustment) (domain.Adjustment, error)
	// Adjustments lists every version of every adjustment, oldest first.
	Adjustments(ctx context.Context, project int64) ([]domain.Adjustment, error)
	// PublishResults makes the project's results visible to its students.
	PublishResults(ctx context.Context, project int64, at time.Time) error
}

// Activities are the changes on projects' boards, for live updates.
type Activities interface {
	AddActivity(ctx context.Context, a domain.Activity) (domain.Activity, error)
	// ActivityAfter lists at most limit changes of project with an ID above
	// after, in order.
	ActivityAfter(ctx context.Context, project, after int64, limit int) ([]domain.Activity, error)
	// LastActivity is the ID of the project's latest change, 0 for none.
	LastActivity(ctx context.Context, project int64) (int64, error)
}
