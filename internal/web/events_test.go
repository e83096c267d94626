package web

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/acanban/acanban/internal/domain"
)

// sseEvent is one event read from a stream.
type sseEvent struct{ id, event, data string }

// openEvents opens the live stream of a project as c, from lastID if not
// empty, and returns the events as they come.
func openEvents(t *testing.T, c *client, project int64, lastID string) (<-chan sseEvent, *http.Response) {
	t.Helper()
	return openEventsURL(t, c, fmt.Sprintf("/p/%d/events", project), lastID)
}

// openEventsURL opens the stream at path (which may carry ?after=).
func openEventsURL(t *testing.T, c *client, path, lastID string) (<-chan sseEvent, *http.Response) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, "GET", c.base+path, nil)
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	res, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	events := make(chan sseEvent, 100)
	if res.StatusCode != 200 {
		close(events)
		return events, res
	}
	go func() {
		defer close(events)
		defer res.Body.Close()
		sc := bufio.NewScanner(res.Body)
		var e sseEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if e.event != "" {
					events <- e
				}
				e = sseEvent{}
			case strings.HasPrefix(line, "id: "):
				e.id = line[4:]
			case strings.HasPrefix(line, "event: "):
				e.event = line[7:]
			case strings.HasPrefix(line, "data: "):
				e.data = line[6:]
			}
		}
	}()
	return events, res
}

func next(t *testing.T, events <-chan sseEvent, within time.Duration) sseEvent {
	t.Helper()
	select {
	case e, ok := <-events:
		if !ok {
			t.Fatal("the event stream ended")
		}
		return e
	case <-time.After(within):
		t.Fatalf("no event within %v", within)
	}
	return sseEvent{}
}

func TestLiveEvents(t *testing.T) {
	s := newSite(t, domain.RegistrationOpen)
	ada := s.register(t, "ada", "student")
	bob := s.register(t, "bob", "student")
	out := s.register(t, "out", "student")
	id := ada.newProject("Live")
	ada.invite(id, "bob")
	n := ada.newTask(id, "Card")
	p := fmt.Sprintf("/p/%d", id)

	if _, res := openEvents(t, s.client(t), id, ""); res.StatusCode != 401 {
		t.Errorf("guest: %d; want 401", res.StatusCode)
	}
	if _, res := openEvents(t, out, id, ""); res.StatusCode != 403 {
		t.Errorf("non-member: %d; want 403", res.StatusCode)
	}
	events, res := openEvents(t, bob, id, "")
	if ct := res.Header.Get("Content-Type"); ct != "text/event-stream" || res.Header.Get("X-Accel-Buffering") != "no" {
		t.Errorf("stream headers: %q, X-Accel-Buffering %q", ct, res.Header.Get("X-Accel-Buffering"))
	}
	time.Sleep(100 * time.Millisecond) // subscribed
	ada.post(fmt.Sprintf("%s/tasks/%d/move", p, n), form("status", "done"))
	e := next(t, events, 2*time.Second)
	if e.event != "change" || !strings.Contains(e.data, `"kind":"move"`) || !strings.Contains(e.data, fmt.Sprintf(`"task":%d`, n)) {
		t.Errorf("event after a move: %+v", e)
	}
	first := e.id
	ada.post(fmt.Sprintf("%s/tasks/%d/comment", p, n), form("content", "hello"))
	ada.newTask(id, "Second")
	got := []string{next(t, events, 2*time.Second).data, next(t, events, 2*time.Second).data}
	if !strings.Contains(got[0], "comment") || !strings.Contains(got[1], `"kind":"task"`) {
		t.Errorf("events after a comment and a new task: %v", got)
	}
	// A browser that lost the connection after the first event resumes
	// with Last-Event-ID and misses nothing.
	again, _ := openEvents(t, bob, id, first)
	replay := []string{next(t, again, 2*time.Second).data, next(t, again, 2*time.Second).data}
	if !strings.Contains(replay[0], "comment") || !strings.Contains(replay[1], `"kind":"task"`) {
		t.Errorf("replay after Last-Event-ID %s: %v", first, replay)
	}
}

// A stream ends for a viewer who left the project, and resumes from ?after=.
func TestLiveEventsPermissionAndAfter(t *testing.T) {
	s := newSite(t, domain.RegistrationOpen)
	ada := s.register(t, "ada", "student")
	bob := s.register(t, "bob", "student")
	id := ada.newProject("Live")
	ada.invite(id, "bob")
	n := ada.newTask(id, "Card")
	p := fmt.Sprintf("/p/%d", id)
	ada.post(fmt.Sprintf("%s/tasks/%d/move", p, n), form("status", "doing"))

	// ?after=0 replays everything: the creation and the move.
	events, _ := openEventsURL(t, bob, fmt.Sprintf("/p/%d/events?after=0", id), "")
	if e := next(t, events, 2*time.Second); !strings.Contains(e.data, `"kind":"task"`) {
		t.Errorf("first replayed event %+v; want the task's creation", e)
	}
	if e := next(t, events, 2*time.Second); !strings.Contains(e.data, `"kind":"move"`) {
		t.Errorf("second replayed event %+v; want the move", e)
	}
	bob.post(p+"/leave", nil)
	ada.post(fmt.Sprintf("%s/tasks/%d/move", p, n), form("status", "done"))
	select {
	case e, ok := <-events:
		if ok {
			t.Errorf("after leaving, bob's stream still sent %+v", e)
		}
	case <-time.After(3 * time.Second):
		t.Error("after leaving, bob's stream stayed open")
	}
}
