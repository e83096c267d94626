package web

import (
	"strings"
	"testing"
	"time"

	"github.com/acanban/acanban/internal/domain"
)

// The cards are written in Go, not by html/template: check what they say,
// that text from users is escaped, and that relative times follow the
// board's clock.
func TestBoardCards(t *testing.T) {
	s := newSiteIn(t, time.FixedZone("ICT", 7*3600))
	now := time.Date(2026, 3, 4, 5, 6, 0, 0, time.UTC)
	tasks := []domain.Task{
		{Number: 1, Name: `<script>alert("x")</script> & 'q'`, Status: domain.StatusTodo, Assignee: &domain.User{Username: `<b>`}},
		{Number: 2, Name: "Late one", Status: domain.StatusDoing, Deadline: now.Add(-50 * time.Hour), Assignee: &domain.User{Username: "ada"}},
		{Number: 3, Name: "Done one", Status: domain.StatusDone, Deadline: now.Add(-50 * time.Hour), WorkURL: "https://example.org"},
		{Number: 4, Name: "Future", Status: domain.StatusTodo, Deadline: now.Add(3 * time.Hour), WorkFile: &domain.File{}},
	}
	rw, err := s.srv.renderColumns(7, tasks, now, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`<h2 id="col-todo">To do <span class="count">2</span></h2>`,
		`<h2 id="col-doing">In progress <span class="count">1</span></h2>`,
		`<li class="kcard" id="task-1" data-n="1"><span class="grip"></span><a href="/p/7/tasks/1"><b>#1</b> &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#39;q&#39;</a>`,
		`<small>@&lt;b&gt;</small>`,
		`<small>unassigned · <time datetime="2026-03-04T08:06:00Z" title="2026-03-04 15:06 ICT">in 3 hours</time> · <span class="ok">handed in</span></small>`,
		`<small>@ada · <time datetime="2026-03-02T03:06:00Z" title="2026-03-02 10:06 ICT" class="late">overdue by 2 days</time></small>`,
		`<time datetime="2026-03-02T03:06:00Z" title="2026-03-02 10:06 ICT">due 2 Mar 2026</time> · <span class="ok">handed in</span>`,
		`<form method="post" action="/p/7/tasks/2/move" aria-label="Move #2 to"><button name="status" value="todo">To do</button><button name="status" value="done">Done</button></form></li>`,
	} {
		if !strings.Contains(string(rw), want) {
			t.Errorf("board for a writer lacks\n%s\nin\n%s", want, rw)
		}
	}
	if strings.Contains(string(rw), "<script>") {
		t.Errorf("a task name went out unescaped:\n%s", rw)
	}
	// The order of the tasks is kept within a column.
	if i, j := strings.Index(string(rw), `id="task-1"`), strings.Index(string(rw), `id="task-4"`); i < 0 || j < i {
		t.Errorf("task 1 should come before task 4 in To do:\n%s", rw)
	}
	ro, err := s.srv.renderColumns(7, tasks, now, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, unwanted := range []string{"grip", "<form", "<button"} {
		if strings.Contains(string(ro), unwanted) {
			t.Errorf("board for a reader has %q:\n%s", unwanted, ro)
		}
	}
	if !strings.Contains(string(ro), `<li class="kcard" id="task-3" data-n="3"><a href="/p/7/tasks/3"><b>#3</b> Done one</a>`) {
		t.Errorf("board for a reader lacks card 3:\n%s", ro)
	}
}
