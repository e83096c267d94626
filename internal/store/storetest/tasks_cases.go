package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/acanban/acanban/internal/domain"
	"github.com/acanban/acanban/internal/store"
)

// newTask is an unassigned task to do in p, without a deadline.
func newTask(p domain.Project, name string, by domain.User, at time.Time) domain.Task {
	return domain.Task{ProjectID: p.ID, Name: name, Description: "Do " + name, CreatedBy: by.ID,
		Status: domain.StatusTodo, Created: at, Updated: at}
}

func mustTask(t *testing.T, s store.Queries, task domain.Task) domain.Task {
	t.Helper()
	got, err := s.CreateTask(context.Background(), task)
	if err != nil {
		t.Fatalf("CreateTask(%s): %v", task.Name, err)
	}
	return got
}

// sameTask compares every field, times with Equal, and of the assignee the
// ID, username and name.
func sameTask(a, b domain.Task) bool {
	return a.ID == b.ID && a.ProjectID == b.ProjectID && a.Number == b.Number && a.Name == b.Name &&
		a.Description == b.Description && a.CreatedBy == b.CreatedBy && sameAssignee(a.Assignee, b.Assignee) &&
		a.Status == b.Status && a.Deadline.Equal(b.Deadline) && a.Created.Equal(b.Created) &&
		a.Updated.Equal(b.Updated) && a.Version == b.Version && a.WorkURL == b.WorkURL
}

func sameAssignee(a, b *domain.User) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.ID == b.ID && a.Username == b.Username && a.Name == b.Name
}

// taskString formats t for a failure message, with its assignee's fields.
func taskString(t domain.Task) string {
	a := "none"
	if t.Assignee != nil {
		a = fmt.Sprintf("{ID:%d Username:%s Name:%s}", t.Assignee.ID, t.Assignee.Username, t.Assignee.Name)
	}
	t.Assignee = nil
	return fmt.Sprintf("%+v assigned to %s", t, a)
}

func testTaskNumbers(t *testing.T, s store.Store) {
	ctx := context.Background()
	ada := mustCreate(t, s, newUser("ada"))
	t0 := now()
	p := mustProject(t, s, newProject("Alpha", ada, t0))
	q := mustProject(t, s, newProject("Beta", ada, t0))
	ids := map[int64]bool{}
	check := func(pr domain.Project, name string, want int) domain.Task {
		t.Helper()
		task := mustTask(t, s, newTask(pr, name, ada, t0))
		if task.Number != want {
			t.Errorf("CreateTask(%s) in %s got number %d; want %d", name, pr.Name, task.Number, want)
		}
		if task.ID == 0 || ids[task.ID] {
			t.Errorf("CreateTask(%s) returned ID %d; want a new, non-zero ID", name, task.ID)
		}
		ids[task.ID] = true
		return task
	}
	check(p, "a1", 1)
	check(p, "a2", 2)
	check(p, "a3", 3)
	check(q, "b1", 1) // numbers are per project
	a4 := check(p, "a4", 4)
	check(q, "b2", 2)

	// Edit task 1 last, so that an order by update or by id would differ.
	a1, _ := s.TaskByNumber(ctx, p.ID, 1)
	a1.Name, a1.Updated = "a1 edited", t0.Add(time.Hour)
	if _, err := s.UpdateTask(ctx, a1); err != nil {
		t.Fatalf("UpdateTask: %v", err)
	}
	for pr, want := range map[domain.Project][]string{p: {"a1 edited", "a2", "a3", "a4"}, q: {"b1", "b2"}} {
		ts, err := s.Tasks(ctx, pr.ID)
		if err != nil {
			t.Fatalf("Tasks(%s): %v", pr.Name, err)
		}
		var names []string
		for i, task := range ts {
			names = append(names, task.Name)
			if task.Number != i+1 || task.ProjectID != pr.ID {
				t.Errorf("Tasks(%s)[%d] = #%d of project %d; want #%d of %d", pr.Name, i, task.Number, task.ProjectID, i+1, pr.ID)
			}
		}
		if !slices.Equal(names, want) {
			t.Errorf("Tasks(%s) = %v; want %v (by number)", pr.Name, names, want)
		}
	}
	if got, err := s.TaskByNumber(ctx, p.ID, 4); err != nil || !sameTask(got, a4) {
		t.Errorf("TaskByNumber(Alpha, 4) = %s, %v\nwant %s", taskString(got), err, taskString(a4))
	}
	if _, err := s.TaskByNumber(ctx, q.ID, 3); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("TaskByNumber(Beta, 3) error = %v; want ErrNotFound", err)
	}
	if _, err := s.TaskByNumber(ctx, 999999, 1); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("TaskByNumber(unknown project, 1) error = %v; want ErrNotFound", err)
	}
	if ts, err := s.Tasks(ctx, 999999); err != nil || len(ts) != 0 {
		t.Errorf("Tasks(unknown project) = %v, %v; want none", ts, err)
	}
	if _, err := s.CreateTask(ctx, newTask(domain.Project{ID: 999999}, "x", ada, t0)); err == nil {
		t.Error("CreateTask in a project that does not exist was accepted")
	}
}

func testTaskNumbersConcurrent(t *testing.T, s store.Store) {
	ctx := context.Background()
	ada := mustCreate(t, s, newUser("ada"))
	p := mustProject(t, s, newProject("Alpha", ada, now()))
	const n = 20
	var wg sync.WaitGroup
	var mu sync.Mutex
	var numbers []int
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			errs <- s.Atomic(ctx, func(q store.Queries) error {
				task, err := q.CreateTask(ctx, newTask(p, fmt.Sprintf("t%d", i), ada, now()))
				if err != nil {
					return err
				}
				mu.Lock()
				numbers = append(numbers, task.Number)
				mu.Unlock()
				return nil
			})
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("concurrent CreateTask: %v", err)
		}
	}
	slices.Sort(numbers)
	want := make([]int, n)
	for i := range want {
		want[i] = i + 1
	}
	if !slices.Equal(numbers, want) {
		t.Errorf("%d concurrent CreateTask calls got numbers %v; want 1 to %d, each once", n, numbers, n)
	}
	ts, err := s.Tasks(ctx, p.ID)
	if err != nil || len(ts) != n {
		t.Errorf("Tasks after concurrent creation = %d tasks, %v; want %d", len(ts), err, n)
	}
}

// testTaskNumbersAfterFailedCreate checks that a CreateTask that fails or
// is rolled back does not use up a number: each Query is one transaction.
func testTaskNumbersAfterFailedCreate(t *testing.T, s store.Store) {
	ctx := context.Background()
	ada := mustCreate(t, s, newUser("ada"))
	p := mustProject(t, s, newProject("Alpha", ada, now()))

	err := s.Atomic(ctx, func(q store.Queries) error {
		if _, err := q.CreateTask(ctx, newTask(p, "rolled back", ada, now())); err != nil {
			return err
		}
		return errStop
	})
	if !errors.Is(err, errStop) {
		t.Fatalf("Atomic = %v; want the function's error", err)
	}
	if got := mustTask(t, s, newTask(p, "first", ada, now())); got.Number != 1 {
		t.Errorf("after a rolled-back CreateTask the next task is #%d; want #1", got.Number)
	}

	bad := newTask(p, "bad", ada, now())
	bad.Assignee = &domain.User{ID: 424242}
	if _, err := s.CreateTask(ctx, bad); err == nil {
		t.Fatal("CreateTask assigning a user that does not exist was accepted (foreign keys off?)")
	}
	if got := mustTask(t, s, newTask(p, "second", ada, now())); got.Number != 2 {
		t.Errorf("after a CreateTask that failed (unknown assignee) the next task is #%d; want #2: "+
			"a failed CreateTask must not use up a number", got.Number)
	}
	if ts, _ := s.Tasks(ctx, p.ID); len(ts) != 2 {
		t.Errorf("Tasks = %d tasks; want 2", len(ts))
	}
}

func testTaskRoundTrip(t *testing.T, s store.Store) {
	ctx := context.Background()
	ada := mustCreate(t, s, newUser("ada"))
	amy := mustCreate(t, s, newUser("amy"))
	t0 := now()
	p := mustProject(t, s, newProject("Alpha", ada, t0))

	assigned := domain.Task{ProjectID: p.ID, Name: "Write the report", Description: "## Parts\n\n- intro", CreatedBy: ada.ID,
		Assignee: &amy, Status: domain.StatusDoing, Deadline: t0.Add(48*time.Hour + 7*time.Microsecond),
		Created: t0, Updated: t0.Add(time.Second), WorkURL: "https://example.edu/work/1"}
	plain := domain.Task{ProjectID: p.ID, Name: "Tidy up", CreatedBy: amy.ID, Status: domain.StatusTodo, Created: t0, Updated: t0}
	for i, want := range []domain.Task{assigned, plain} {
		created, err := s.CreateTask(ctx, want)
		if err != nil {
			t.Fatalf("CreateTask(%s): %v", want.Name, err)
		}
		if created.ID == 0 || created.Number != i+1 || created.Version != 1 {
			t.Errorf("CreateTask(%s) returned ID %d, number %d, version %d; want an ID, #%d, version 1",
				want.Name, created.ID, created.Number, created.Version, i+1)
		}
		want.ID, want.Number, want.Version = created.ID, i+1, 1
		got, err := s.TaskByNumber(ctx, p.ID, want.Number)
		if err != nil {
			t.Fatalf("TaskByNumber(%d): %v", want.Number, err)
		}
		if !sameTask(got, want) {
			t.Errorf("TaskByNumber(%d) = %s\nwant %s", want.Number, taskString(got), taskString(want))
		}
		ts, err := s.Tasks(ctx, p.ID)
		if err != nil || len(ts) != i+1 || !sameTask(ts[i], want) {
			t.Errorf("Tasks()[%d] = %v, %v\nwant %s", i, ts, err, taskString(want))
		}
	}
}

func testUpdateTask(t *testing.T, s store.Store) {
	ctx := context.Background()
	ada := mustCreate(t, s, newUser("ada"))
	amy := mustCreate(t, s, newUser("amy"))
	t0 := now()
	p := mustProject(t, s, newProject("Alpha", ada, t0))
	task := mustTask(t, s, newTask(p, "Draft", ada, t0))

	edit := task
	edit.Name, edit.Description, edit.Assignee = "Final", "New *text*", &amy
	edit.Deadline, edit.Status, edit.WorkURL, edit.Updated = t0.Add(24*time.Hour), domain.StatusDone, "https://example.edu/w", t0.Add(time.Hour)
	got, err := s.UpdateTask(ctx, edit)
	if err != nil {
		t.Fatalf("UpdateTask: %v", err)
	}
	if got.Version != 2 {
		t.Errorf("UpdateTask returned version %d; want 2", got.Version)
	}
	want := edit
	want.Version = 2
	stored, err := s.TaskByNumber(ctx, p.ID, task.Number)
	if err != nil {
		t.Fatal(err)
	}
	if !sameTask(stored, want) {
		t.Errorf("after UpdateTask stored %s\nwant %s", taskString(stored), taskString(want))
	}

	// Unassigning and clearing the deadline.
	clear := stored
	clear.Assignee, clear.Deadline, clear.Updated = nil, time.Time{}, t0.Add(2*time.Hour)
	if got, err = s.UpdateTask(ctx, clear); err != nil || got.Version != 3 {
		t.Fatalf("UpdateTask unassigning = version %d, %v; want 3, nil", got.Version, err)
	}
	want = clear
	want.Version = 3
	stored, _ = s.TaskByNumber(ctx, p.ID, task.Number)
	if !sameTask(stored, want) || stored.Assignee != nil || !stored.Deadline.IsZero() {
		t.Errorf("after unassigning stored %s\nwant %s", taskString(stored), taskString(want))
	}

	// An edit from a form read at version 1.
	stale := edit
	stale.Version, stale.Name = 1, "Lost edit"
	if _, err := s.UpdateTask(ctx, stale); !errors.Is(err, store.ErrStale) {
		t.Errorf("UpdateTask with stale version 1 (stored 3) error = %v; want ErrStale", err)
	}
	if after, _ := s.TaskByNumber(ctx, p.ID, task.Number); !sameTask(after, want) {
		t.Errorf("a stale UpdateTask changed the task to %s\nwant %s", taskString(after), taskString(want))
	}
	missing := want
	missing.ID = 999999
	if _, err := s.UpdateTask(ctx, missing); !errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrStale) {
		t.Errorf("UpdateTask(unknown id) error = %v; want ErrNotFound", err)
	}
}

func testSetTaskStatus(t *testing.T, s store.Store) {
	ctx := context.Background()
	ada := mustCreate(t, s, newUser("ada"))
	t0 := now()
	p := mustProject(t, s, newProject("Alpha", ada, t0))
	task := mustTask(t, s, newTask(p, "Move me", ada, t0))
	stored := func() domain.Task {
		t.Helper()
		got, err := s.TaskByNumber(ctx, p.ID, task.Number)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}

	at1 := t0.Add(time.Minute)
	if from, err := s.SetTaskStatus(ctx, task.ID, domain.StatusDoing, at1); err != nil || from != domain.StatusTodo {
		t.Fatalf("SetTaskStatus(doing) = %q, %v; want todo (the previous status)", from, err)
	}
	if got := stored(); got.Status != domain.StatusDoing || got.Version != 2 || !got.Updated.Equal(at1) {
		t.Errorf("after a move: status %s, version %d, updated %v; want doing, 2, %v", got.Status, got.Version, got.Updated, at1)
	}
	if from, err := s.SetTaskStatus(ctx, task.ID, domain.StatusDoing, t0.Add(2*time.Minute)); err != nil || from != domain.StatusDoing {
		t.Errorf("SetTaskStatus to the same status = %q, %v; want doing", from, err)
	}
	if got := stored(); got.Status != domain.StatusDoing || got.Version != 2 {
		t.Errorf("after a move to the same status: status %s, version %d; want doing, 2 (no bump)", got.Status, got.Version)
	}
	if from, err := s.SetTaskStatus(ctx, task.ID, domain.StatusDone, t0.Add(3*time.Minute)); err != nil || from != domain.StatusDoing {
		t.Errorf("SetTaskStatus(done) = %q, %v; want doing", from, err)
	}
	if got := stored(); got.Status != domain.StatusDone || got.Version != 3 || got.Name != task.Name {
		t.Errorf("after a second move: %s; want done at version 3, otherwise unchanged", taskString(got))
	}
	// The bump makes an edit from before the move stale.
	if _, err := s.UpdateTask(ctx, task); !errors.Is(err, store.ErrStale) {
		t.Errorf("UpdateTask at the version before the moves = %v; want ErrStale", err)
	}
	if _, err := s.SetTaskStatus(ctx, 999999, domain.StatusDone, t0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("SetTaskStatus(unknown task) error = %v; want ErrNotFound", err)
	}
}

// testTaskMovesConcurrent moves one task from many goroutines at once, the
// way the application does (SetTaskStatus and AddTaskEvent in one
// transaction), and checks that the history is one unbroken chain.
func testTaskMovesConcurrent(t *testing.T, s store.Store) {
	ctx := context.Background()
	ada := mustCreate(t, s, newUser("ada"))
	bob := mustCreate(t, s, newUser("bob"))
	p := mustProject(t, s, newProject("Alpha", ada, now()))
	task := mustTask(t, s, newTask(p, "Hot potato", ada, now()))
	if err := s.AddTaskEvent(ctx, domain.TaskEvent{TaskID: task.ID, Actor: ada, At: now(), To: domain.StatusTodo}); err != nil {
		t.Fatal(err)
	}
	const n = 24
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		to := domain.Statuses[(i+1)%len(domain.Statuses)]
		actor := []domain.User{ada, bob}[i%2]
		wg.Go(func() {
			errs <- s.Atomic(ctx, func(q store.Queries) error {
				at := now()
				from, err := q.SetTaskStatus(ctx, task.ID, to, at)
				if err != nil || from == to {
					return err
				}
				return q.AddTaskEvent(ctx, domain.TaskEvent{TaskID: task.ID, Actor: actor, At: at, From: from, To: to})
			})
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("concurrent move: %v", err)
		}
	}
	es, err := s.TaskEvents(ctx, task.ID)
	if err != nil {
		t.Fatalf("TaskEvents: %v", err)
	}
	if len(es) < 2 {
		t.Fatalf("%d concurrent moves left %d events; want at least 2", n, len(es))
	}
	chain := []string{}
	for _, e := range es {
		chain = append(chain, fmt.Sprintf("%s→%s", e.From, e.To))
	}
	for i, e := range es {
		var prev domain.Status
		if i > 0 {
			prev = es[i-1].To
		}
		if e.From != prev || e.From == e.To {
			t.Fatalf("event %d goes %s→%s after an event to %q: the history is broken: %v", i, e.From, e.To, prev, chain)
		}
	}
	got, _ := s.TaskByNumber(ctx, p.ID, task.Number)
	if last := es[len(es)-1].To; got.Status != last {
		t.Errorf("the task is %s but its last event goes to %s", got.Status, last)
	}
	if got.Version != len(es) {
		t.Errorf("the task is at version %d after %d moves; want %d", got.Version, len(es)-1, len(es))
	}
}

// testSetTaskStatusConcurrent checks that SetTaskStatus on its own is one
// transaction: concurrent calls outside Atomic each see the status the
// previous one left, so the moves they report chain up.
func testSetTaskStatusConcurrent(t *testing.T, s store.Store) {
	ctx := context.Background()
	ada := mustCreate(t, s, newUser("ada"))
	p := mustProject(t, s, newProject("Alpha", ada, now()))
	task := mustTask(t, s, newTask(p, "Hot potato", ada, now()))
	const n = 48
	type move struct{ from, to domain.Status }
	moves := make(chan move, n)
	var wg sync.WaitGroup
	for i := range n {
		to := domain.Statuses[(i+1)%len(domain.Statuses)]
		wg.Go(func() {
			from, err := s.SetTaskStatus(ctx, task.ID, to, now())
			if err != nil {
				t.Errorf("concurrent SetTaskStatus: %v", err)
				return
			}
			moves <- move{from, to}
		})
	}
	wg.Wait()
	close(moves)
	got, _ := s.TaskByNumber(ctx, p.ID, task.Number)
	// In some serial order the real moves (from ≠ to) are a walk from todo
	// to the final status: every status is left as often as it is entered,
	// except the first (left once more) and the last (entered once more).
	balance := map[domain.Status]int{domain.StatusTodo: 1}
	balance[got.Status]--
	changes := 0
	var seen []string
	for m := range moves {
		if m.from == m.to {
			continue
		}
		changes++
		balance[m.from]--
		balance[m.to]++
		seen = append(seen, fmt.Sprintf("%s→%s", m.from, m.to))
	}
	for st, b := range balance {
		if b != 0 {
			t.Errorf("status %s entered and left unevenly (%+d): the moves reported, %v, are no serial history ending at %s: "+
				"concurrent calls read the same previous status", st, b, seen, got.Status)
			break
		}
	}
	if got.Version != 1+changes {
		t.Errorf("the task is at version %d after %d reported moves; want %d", got.Version, changes, 1+changes)
	}
}

func testTaskEvents(t *testing.T, s store.Store) {
	ctx := context.Background()
	ada := mustCreate(t, s, newUser("ada"))
	bob := mustCreate(t, s, newUser("bob"))
	t0 := now()
	p := mustProject(t, s, newProject("Alpha", ada, t0))
	task := mustTask(t, s, newTask(p, "One", ada, t0))
	other := mustTask(t, s, newTask(p, "Two", ada, t0))
	if es, err := s.TaskEvents(ctx, task.ID); err != nil || len(es) != 0 {
		t.Errorf("TaskEvents of a task without history = %v, %v; want none", es, err)
	}
	want := []domain.TaskEvent{
		{TaskID: task.ID, Actor: ada, At: t0, From: "", To: domain.StatusTodo},
		{TaskID: task.ID, Actor: bob, At: t0.Add(time.Minute + 5*time.Microsecond), From: domain.StatusTodo, To: domain.StatusDoing},
		{TaskID: task.ID, Actor: ada, At: t0.Add(2 * time.Minute), From: domain.StatusDoing, To: domain.StatusDone},
	}
	for i, e := range want {
		if err := s.AddTaskEvent(ctx, e); err != nil {
			t.Fatalf("AddTaskEvent %d: %v", i, err)
		}
		if i == 0 { // interleave another task's history
			if err := s.AddTaskEvent(ctx, domain.TaskEvent{TaskID: other.ID, Actor: bob, At: t0, To: domain.StatusTodo}); err != nil {
				t.Fatal(err)
			}
		}
	}
	es, err := s.TaskEvents(ctx, task.ID)
	if err != nil {
		t.Fatalf("TaskEvents: %v", err)
	}
	if len(es) != len(want) {
		t.Fatalf("TaskEvents = %d events %+v; want %d", len(es), es, len(want))
	}
	for i, e := range es {
		w := want[i]
		if e.TaskID != w.TaskID || e.From != w.From || e.To != w.To || !e.At.Equal(w.At) ||
			e.Actor.ID != w.Actor.ID || e.Actor.Username != w.Actor.Username || e.Actor.Name != w.Actor.Name {
			t.Errorf("event %d = %+v\nwant task %d, %q→%q at %v by %d %s (%s)", i, e, w.TaskID, w.From, w.To, w.At,
				w.Actor.ID, w.Actor.Username, w.Actor.Name)
		}
	}
	if es, err := s.TaskEvents(ctx, other.ID); err != nil || len(es) != 1 || es[0].Actor.ID != bob.ID {
		t.Errorf("TaskEvents of the other task = %+v, %v; want its one event by bob", es, err)
	}
}

func testComments(t *testing.T, s store.Store) {
	ctx := context.Background()
	ada := mustCreate(t, s, newUser("ada"))
	bob := mustCreate(t, s, newUser("bob"))
	t0 := now()
	p := mustProject(t, s, newProject("Alpha", ada, t0))
	task := mustTask(t, s, newTask(p, "One", ada, t0))
	other := mustTask(t, s, newTask(p, "Two", ada, t0))
	if cs, err := s.Comments(ctx, task.ID); err != nil || len(cs) != 0 {
		t.Errorf("Comments of a new task = %v, %v; want none", cs, err)
	}
	create := func(c domain.Comment) domain.Comment {
		t.Helper()
		got, err := s.CreateComment(ctx, c)
		if err != nil {
			t.Fatalf("CreateComment(%q): %v", c.Body, err)
		}
		if got.ID == 0 {
			t.Fatalf("CreateComment(%q) returned no ID", c.Body)
		}
		return got
	}
	first := create(domain.Comment{TaskID: task.ID, Author: ada, Body: "First *thoughts*", Created: t0})
	reply := create(domain.Comment{TaskID: task.ID, Parent: first.ID, Author: bob, Body: "A reply", Created: t0.Add(time.Minute)})
	create(domain.Comment{TaskID: other.ID, Author: bob, Body: "Elsewhere", Created: t0.Add(90 * time.Second)})
	last := create(domain.Comment{TaskID: task.ID, Author: ada, Body: "Top level again", Created: t0.Add(2 * time.Minute)})

	same := func(a, b domain.Comment) bool {
		return a.ID == b.ID && a.TaskID == b.TaskID && a.Parent == b.Parent && a.Body == b.Body && a.Created.Equal(b.Created) &&
			a.Author.ID == b.Author.ID && a.Author.Username == b.Author.Username && a.Author.Name == b.Author.Name
	}
	for _, want := range []domain.Comment{first, reply, last} {
		got, err := s.CommentByID(ctx, want.ID)
		if err != nil || !same(got, want) {
			t.Errorf("CommentByID(%d) = %+v, %v\nwant %+v", want.ID, got, err, want)
		}
	}
	if got, _ := s.CommentByID(ctx, first.ID); got.Parent != 0 {
		t.Errorf("a top-level comment has parent %d; want 0", got.Parent)
	}
	if got, _ := s.CommentByID(ctx, reply.ID); got.Parent != first.ID {
		t.Errorf("a reply has parent %d; want %d", got.Parent, first.ID)
	}
	cs, err := s.Comments(ctx, task.ID)
	if err != nil {
		t.Fatalf("Comments: %v", err)
	}
	want := []domain.Comment{first, reply, last}
	if len(cs) != len(want) {
		t.Fatalf("Comments = %+v; want %d comments, oldest first", cs, len(want))
	}
	for i := range want {
		if !same(cs[i], want[i]) {
			t.Errorf("Comments[%d] = %+v\nwant %+v", i, cs[i], want[i])
		}
	}
	if cs, err := s.Comments(ctx, other.ID); err != nil || len(cs) != 1 || cs[0].Body != "Elsewhere" {
		t.Errorf("Comments of the other task = %+v, %v; want its one comment", cs, err)
	}
	if _, err := s.CommentByID(ctx, 999999); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("CommentByID(999999) error = %v; want ErrNotFound", err)
	}
}

func testCommentsConcurrent(t *testing.T, s store.Store) {
	ctx := context.Background()
	ada := mustCreate(t, s, newUser("ada"))
	p := mustProject(t, s, newProject("Alpha", ada, now()))
	task := mustTask(t, s, newTask(p, "Busy", ada, now()))
	const n = 50
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			_, err := s.CreateComment(ctx, domain.Comment{TaskID: task.ID, Author: ada, Body: fmt.Sprintf("c%d", i), Created: now()})
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("concurrent CreateComment: %v", err)
		}
	}
	cs, err := s.Comments(ctx, task.ID)
	if err != nil {
		t.Fatalf("Comments: %v", err)
	}
	bodies := map[string]bool{}
	ids := map[int64]bool{}
	for _, c := range cs {
		bodies[c.Body], ids[c.ID] = true, true
	}
	if len(cs) != n || len(bodies) != n || len(ids) != n {
		t.Errorf("after %d concurrent comments: %d stored, %d distinct bodies, %d distinct IDs; want %d of each",
			n, len(cs), len(bodies), len(ids), n)
	}
}

func testUnassignTasks(t *testing.T, s store.Store) {
	ctx := context.Background()
	ada := mustCreate(t, s, newUser("ada"))
	bob := mustCreate(t, s, newUser("bob"))
	t0 := now()
	p := mustProject(t, s, newProject("P", ada, t0))
	q := mustProject(t, s, newProject("Q", ada, t0))
	assigned := func(p domain.Project, u domain.User) domain.Task {
		task := newTask(p, "T", ada, t0)
		task.Assignee = &u
		return mustTask(t, s, task)
	}
	a1, b1, a2 := assigned(p, ada), assigned(p, bob), assigned(q, ada)
	later := t0.Add(time.Minute)
	if err := s.UnassignTasks(ctx, p.ID, ada.ID, later); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		task domain.Task
		want *domain.User
	}{{a1, nil}, {b1, &bob}, {a2, &ada}} {
		got, err := s.TaskByNumber(ctx, c.task.ProjectID, c.task.Number)
		if err != nil {
			t.Fatal(err)
		}
		if (got.Assignee == nil) != (c.want == nil) || c.want != nil && got.Assignee.ID != c.want.ID {
			t.Errorf("task %d of project %d after UnassignTasks: %s", got.Number, got.ProjectID, taskString(got))
		}
		if c.want == nil && (got.Version != c.task.Version+1 || !got.Updated.Equal(later)) {
			t.Errorf("unassigned task: version %d, updated %v; want %d at %v", got.Version, got.Updated, c.task.Version+1, later)
		}
	}
}
