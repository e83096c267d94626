package web

import (
	"html"
	"strconv"
	"strings"
	"time"

	"github.com/acanban/acanban/internal/domain"
)

// The cards of the board are written here rather than by a template: a
// board of 1 000 tasks spent 15 ms in html/template's reflection (about a
// dozen escaped values a card) against about 1 ms here (BenchmarkGrowth,
// board-rendered). Every value from users goes through html.EscapeString;
// the rest are numbers, statuses and dates formatted here.

// cardWriter writes the cards of one board.
type cardWriter struct {
	project string // the project's ID, formatted
	write   bool   // the viewer may move cards: handles and move buttons
	now     time.Time
	loc     *time.Location // of the dates shown
}

// writeCard writes task t as an <li> of its column, with buttons to move
// it to each status of moves.
func (c cardWriter) writeCard(b *strings.Builder, t domain.Task, moves []domain.Status) {
	n := strconv.Itoa(t.Number)
	b.WriteString(`<li class="kcard" id="task-`)
	b.WriteString(n)
	b.WriteString(`" data-n="`)
	b.WriteString(n)
	b.WriteString(`">`)
	if c.write {
		b.WriteString(`<span class="grip"></span>`)
	}
	b.WriteString(`<a href="/p/`)
	b.WriteString(c.project)
	b.WriteString(`/tasks/`)
	b.WriteString(n)
	b.WriteString(`"><b>#`)
	b.WriteString(n)
	b.WriteString(`</b> `)
	b.WriteString(html.EscapeString(t.Name))
	b.WriteString("</a>\n<small>")
	if t.Assignee != nil {
		b.WriteString("@")
		b.WriteString(html.EscapeString(t.Assignee.Username))
	} else {
		b.WriteString("unassigned")
	}
	if !t.Deadline.IsZero() {
		b.WriteString(` · <time datetime="`)
		b.WriteString(t.Deadline.UTC().Format(time.RFC3339))
		b.WriteString(`" title="`)
		b.WriteString(html.EscapeString(t.Deadline.In(c.loc).Format("2006-01-02 15:04 MST")))
		b.WriteString(`"`)
		if t.Overdue(c.now) {
			b.WriteString(` class="late"`)
		}
		b.WriteString(`>`)
		if t.Status == domain.StatusDone {
			b.WriteString("due ")
			b.WriteString(t.Deadline.In(c.loc).Format("2 Jan 2006"))
		} else {
			b.WriteString(domain.Until(t.Deadline, c.now))
		}
		b.WriteString(`</time>`)
	}
	if t.HandedIn() {
		b.WriteString(` · <span class="ok">handed in</span>`)
	}
	b.WriteString("</small>\n")
	if c.write {
		b.WriteString(`<form method="post" action="/p/`)
		b.WriteString(c.project)
		b.WriteString(`/tasks/`)
		b.WriteString(n)
		b.WriteString(`/move" aria-label="Move #`)
		b.WriteString(n)
		b.WriteString(` to">`)
		for _, st := range moves {
			b.WriteString(`<button name="status" value="`)
			b.WriteString(string(st))
			b.WriteString(`">`)
			b.WriteString(st.Title())
			b.WriteString(`</button>`)
		}
		b.WriteString(`</form>`)
	}
	b.WriteString("</li>\n")
}
