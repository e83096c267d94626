package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/acanban/acanban/internal/domain"
)

// column is one status of the board with its cards, written by
// cardWriter.
type column struct {
	Status domain.Status
	Count  int
	Cards  template.HTML
}

// boardPage is the Kanban board.
type boardPage struct {
	Columns template.HTML // rendered by "boardcolumns", often from the cache
	Total   int
	// After is the ID of the latest change when the board was rendered:
	// the live stream starts from it, so nothing in between is missed.
	After int64
}

// renderedBoard is a board's columns as HTML, with their task count.
type renderedBoard struct {
	html  template.HTML
	total int
}

// boardCache keeps the columns of boards as rendered. A board changes only
// with an activity (its ID is in the key), and its relative times ("in 3
// days") with the minute (also in the key), so a hit is exactly what a
// render would give.
type boardCache struct {
	mu sync.RWMutex
	m  map[string]renderedBoard
}

const boardCacheSize = 2048

func (c *boardCache) get(k string) (renderedBoard, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	b, ok := c.m[k]
	return b, ok
}

func (c *boardCache) put(k string, b renderedBoard) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= boardCacheSize {
		c.m = make(map[string]renderedBoard, boardCacheSize) // a new minute or a full cache: start again
	}
	c.m[k] = b
}

func (s *Server) board(w http.ResponseWriter, r *http.Request) {
	a, ok := s.project(w, r, domain.ViewBoard)
	if !ok {
		return
	}
	after, err := s.Projects.LastActivity(r.Context(), a) // before reading the board
	if err != nil {
		s.fail(w, r, err)
		return
	}
	now := time.Now()
	write := a.Can(domain.WriteTask)
	key := fmt.Sprintf("%d/%d/%t/%d", a.Project.ID, after, write, now.Unix()/60)
	rb, ok := s.boards.get(key)
	if !ok {
		if rb, err = s.renderBoard(r, a, now, write); err != nil {
			s.fail(w, r, err)
			return
		}
		s.boards.put(key, rb)
	}
	s.render(w, r, http.StatusOK, "board", &page{Title: "Board · " + a.Project.Name,
		Data: viewOf(a, "tasks", boardPage{Columns: rb.html, Total: rb.total, After: after})})
}

// renderBoard renders the columns of a's board.
func (s *Server) renderBoard(r *http.Request, a projectAccess, now time.Time, write bool) (renderedBoard, error) {
	tasks, err := s.Projects.Board(r.Context(), a)
	if err != nil {
		return renderedBoard{}, err
	}
	html, err := s.renderColumns(a.Project.ID, tasks, now, write)
	if err != nil {
		return renderedBoard{}, err
	}
	return renderedBoard{html: html, total: len(tasks)}, nil
}

// renderColumns renders the columns of the board of project with tasks.
func (s *Server) renderColumns(project int64, tasks []domain.Task, now time.Time, write bool) (template.HTML, error) {
	cw := cardWriter{project: strconv.FormatInt(project, 10), write: write, now: now, loc: s.Location}
	columns := make([]column, len(domain.Statuses))
	var b strings.Builder
	for i, st := range domain.Statuses {
		var moves []domain.Status
		for _, other := range domain.Statuses {
			if other != st {
				moves = append(moves, other)
			}
		}
		b.Reset()
		columns[i].Status = st
		for _, t := range tasks {
			if t.Status == st {
				cw.writeCard(&b, t, moves)
				columns[i].Count++
			}
		}
		columns[i].Cards = template.HTML(b.String())
	}
	var buf bytes.Buffer
	if err := s.pages.byName["board"].ExecuteTemplate(&buf, "boardcolumns", columns); err != nil {
		return "", fmt.Errorf("render board: %w", err)
	}
	return template.HTML(buf.String()), nil
}

// taskNumber reads {n} of the path; not a number is 404.
func taskNumber(r *http.Request) (int, error) {
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n <= 0 {
		return 0, domain.NotFound("There is no task %q.", r.PathValue("n"))
	}
	return n, nil
}

// wantsJSON: the board's script asks for JSON instead of a redirect.
func wantsJSON(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "application/json")
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func (s *Server) taskMove(w http.ResponseWriter, r *http.Request) {
	a, ok := s.project(w, r, domain.WriteTask)
	if !ok {
		return
	}
	n, err := taskNumber(r)
	if err == nil {
		err = parseForm(w, r)
	}
	var st domain.Status
	if err == nil {
		st, err = domain.ParseStatus(r.PostForm.Get("status"))
	}
	var t domain.Task
	if err == nil {
		t, err = s.Projects.MoveTask(r.Context(), a, n, st)
	}
	if wantsJSON(r) {
		if err != nil {
			msg, _ := s.message(r, err)
			writeJSON(w, statusOf(err), map[string]string{"error": msg})
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"number": t.Number, "status": t.Status})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	redirect(w, r, fmt.Sprintf("/p/%d/tasks#task-%d", a.Project.ID, t.Number))
}
