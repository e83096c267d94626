package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/acanban/acanban/internal/domain"
)

// column is one status of the board with its cards.
type column struct {
	Status domain.Status
	Tasks  []domain.Task
	// Moves are the other statuses a card can go to from here.
	Moves []domain.Status
}

// boardPage is the Kanban board.
type boardPage struct {
	Columns []column
	Total   int
	Now     time.Time
	// After is the ID of the latest change when the board was rendered:
	// the live stream starts from it, so nothing in between is missed.
	After int64
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
	tasks, err := s.Projects.Board(r.Context(), a)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	b := boardPage{Total: len(tasks), Now: time.Now(), After: after}
	for _, st := range domain.Statuses {
		c := column{Status: st}
		for _, other := range domain.Statuses {
			if other != st {
				c.Moves = append(c.Moves, other)
			}
		}
		b.Columns = append(b.Columns, c)
	}
	for _, t := range tasks {
		for i := range b.Columns {
			if b.Columns[i].Status == t.Status {
				b.Columns[i].Tasks = append(b.Columns[i].Tasks, t)
			}
		}
	}
	s.render(w, r, http.StatusOK, "board", &page{Title: "Board · " + a.Project.Name, Data: viewOf(a, "tasks", b)})
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
