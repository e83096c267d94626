package web

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/acanban/acanban/internal/domain"
)

// ssePing keeps idle live connections open through proxies.
const ssePing = 20 * time.Second

// events streams the changes of a project's board as Server-Sent Events,
// to those who may see the board. Each event carries the ID of the change;
// a browser that reconnects sends the last one it saw (Last-Event-ID) and
// gets every change since, so nothing is missed.
func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	a, ok := s.project(w, r, domain.ViewBoard)
	if !ok {
		return
	}
	// Resume after the last change the browser saw: the Last-Event-ID of a
	// reconnection, or the ?after= of a new stream (the board page carries
	// the ID it was rendered at); otherwise start from now.
	after, err := strconv.ParseInt(r.Header.Get("Last-Event-ID"), 10, 64)
	if err != nil {
		after, err = strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	}
	if err != nil || after < 0 {
		if after, err = s.Projects.LastActivity(r.Context(), a); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	rc := http.NewResponseController(w)
	rc.SetReadDeadline(time.Time{}) // a stream lasts longer than a request
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no") // nginx: pass events on at once
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, "retry: 2000\n\n")
	wake, stop := s.Hub.Subscribe(a.Project.ID)
	defer stop()
	s.Logger.Debug("live stream opened", "project", a.Project.ID, "after", after, "remote", r.RemoteAddr)
	send := func() error {
		acts, err := s.Projects.ActivityAfter(r.Context(), a, after)
		if err != nil {
			return err
		}
		for _, act := range acts {
			fmt.Fprintf(w, "id: %d\nevent: change\ndata: {\"kind\":%q,\"task\":%d}\n\n", act.ID, act.Kind, act.Task)
			after = act.ID
		}
		return rc.Flush()
	}
	if err := send(); err != nil {
		return
	}
	// Still allowed? A viewer who left the project, or logged out, stops
	// receiving its changes.
	allowed := func() bool {
		if _, _, _, err := s.Sessions.Lookup(r.Context(), sessionToken(r)); err != nil {
			return false
		}
		a2, err := s.Projects.Open(r.Context(), a.Viewer, a.Project.ID)
		return err == nil && a2.Can(domain.ViewBoard)
	}
	ping := time.NewTicker(ssePing)
	defer ping.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-s.Stopping:
			return // the server is shutting down: the browser reconnects elsewhere
		case <-wake:
			if !allowed() || send() != nil {
				return
			}
		case <-ping.C:
			if !allowed() {
				return
			}
			fmt.Fprint(w, ": ping\n\n")
			if err := rc.Flush(); err != nil {
				return
			}
		}
	}
}
