package main

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The mix of actions of a simulated user, by weight (out of 100): mostly
// reading the board and tasks, some discussion and card moves, now and
// then a new task, a look at the report tab, an upload or a download.
var mix = []struct {
	action string
	weight int
}{
	{"dashboard", 12},
	{"board", 22},
	{"task", 22},
	{"comment", 10},
	{"move", 10},
	{"create_task", 5},
	{"report", 7},
	{"upload", 4},
	{"download", 8},
}

// actionNames lists the actions in the order of the report.
var actionNames = func() []string {
	var names []string
	for _, m := range mix {
		names = append(names, m.action)
	}
	return names
}()

var statuses = []string{"todo", "doing", "done"}

// project is what the simulated users of a project know of it, shared
// between them: its highest task number and its report's download links.
type project struct {
	id   int
	path string // /p/{id}

	mu    sync.Mutex
	tasks int
	files []string // newest first, at most maxFiles

	discover sync.Once
	err      error
}

const maxFiles = 16

func (p *project) learnTask(n int) {
	p.mu.Lock()
	p.tasks = max(p.tasks, n)
	p.mu.Unlock()
}

// pickTask returns a random task number, or 0 if the project has none.
func (p *project) pickTask(rng *rand.Rand) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tasks == 0 {
		return 0
	}
	return 1 + rng.IntN(p.tasks)
}

func (p *project) setFiles(links []string) {
	if len(links) == 0 {
		return
	}
	p.mu.Lock()
	p.files = links[:min(len(links), maxFiles)]
	p.mu.Unlock()
}

func (p *project) pickFile(rng *rand.Rand) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.files) == 0 {
		return ""
	}
	return p.files[rng.IntN(len(p.files))]
}

// projectSet holds the projects by id.
type projectSet struct {
	mu sync.Mutex
	m  map[int]*project
}

func (s *projectSet) get(id int) *project {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = map[int]*project{}
	}
	p := s.m[id]
	if p == nil {
		p = &project{id: id, path: fmt.Sprintf("/p/%d", id)}
		s.m[id] = p
	}
	return p
}

// vuser is a simulated user.
type vuser struct {
	name    string
	c       *client
	proj    *project
	rng     *rand.Rand
	think   time.Duration // mean
	uploads int
}

// join logs user i in and finds their project, learning its tasks and files
// if no other user of it did yet. Nothing of this is recorded but the
// log-in's latency.
func join(ctx context.Context, cfg *Config, tr http.RoundTripper, set *projectSet, i int, logins *recorder) (*vuser, error) {
	u := &vuser{name: cfg.username(i), c: newClient(cfg.Target, tr, cfg.Timeout), think: cfg.Think,
		rng: rand.New(rand.NewPCG(cfg.Seed, uint64(i)))}
	start := time.Now()
	if err := login(ctx, cfg, u.c, i); err != nil {
		if cfg.SkipSetup {
			err = fmt.Errorf("%w (-skip-setup needs the users of an earlier run with the same -prefix and at least as many -users)", err)
		}
		return nil, err
	}
	logins.success("login", time.Since(start))
	dash, err := u.c.get(ctx, "/")
	if err != nil {
		return nil, fmt.Errorf("dashboard of %s: %w", u.name, err)
	}
	ids, names := dashboardProjects(dash)
	if len(ids) == 0 {
		return nil, fmt.Errorf("%s is in no project: run the setup (without -skip-setup) first", u.name)
	}
	id := ids[0]
	for k, name := range names {
		if name == cfg.projectName(cfg.group(i)) {
			id = ids[k]
		}
	}
	u.proj = set.get(id)
	u.proj.discover.Do(func() {
		board, err := u.c.get(ctx, u.proj.path+"/tasks")
		if err != nil {
			u.proj.err = err
			return
		}
		u.proj.learnTask(maxTask(board))
		report, err := u.c.get(ctx, u.proj.path+"/report")
		if err != nil {
			u.proj.err = err
			return
		}
		u.proj.setFiles(fileLinks(report))
	})
	if u.proj.err != nil {
		return nil, fmt.Errorf("discover project %d of %s: %w", id, u.name, u.proj.err)
	}
	return u, nil
}

// pick draws an action from the mix.
func (u *vuser) pick() string {
	k := u.rng.IntN(100)
	for _, m := range mix {
		if k < m.weight {
			return m.action
		}
		k -= m.weight
	}
	return mix[0].action
}

// next returns the user's next action, its request, and what to learn from
// a successful answer (or nil).
func (u *vuser) next() (string, request, func(response)) {
	p := u.proj
	action := u.pick()
	n, file := 0, ""
	switch action {
	case "task", "comment", "move":
		if n = p.pickTask(u.rng); n == 0 {
			action = "create_task" // nothing to look at yet
		}
	case "download":
		if file = p.pickFile(u.rng); file == "" {
			action = "report" // learn what there is to download first
		}
	}
	task := fmt.Sprintf("%s/tasks/%d", p.path, n)
	switch action {
	case "dashboard":
		return action, request{method: http.MethodGet, path: "/"}, nil
	case "board":
		return action, request{method: http.MethodGet, path: p.path + "/tasks"}, nil
	case "task":
		return action, request{method: http.MethodGet, path: task}, nil
	case "comment":
		return action, request{method: http.MethodPost, path: task + "/comment",
			form: url.Values{"content": {comment(u.rng)}}}, nil
	case "move":
		return action, request{method: http.MethodPost, path: task + "/move",
			form: url.Values{"status": {statuses[u.rng.IntN(len(statuses))]}}}, nil
	case "create_task":
		form := url.Values{"name": {"Load task " + strconv.Itoa(u.rng.IntN(1e6))},
			"description": {sentence(u.rng, 20)}, "assignee": {u.name}}
		return action, request{method: http.MethodPost, path: p.path + "/tasks/create", form: form}, func(r response) {
			if m := taskLocationRe.FindStringSubmatch(r.location); m != nil {
				k, _ := strconv.Atoi(m[1])
				p.learnTask(k)
			}
		}
	case "report":
		return action, request{method: http.MethodGet, path: p.path + "/report", keepBody: true}, func(r response) {
			p.setFiles(fileLinks(r.body))
		}
	case "upload":
		u.uploads++
		body, ct := reportUpload(u.name, u.uploads, time.Now())
		return action, request{method: http.MethodPost, path: p.path + "/report/upload", body: body, contentType: ct}, nil
	case "download":
		return action, request{method: http.MethodGet, path: file}, nil
	}
	panic("unknown action " + action)
}

// thinkTime draws a pause: exponential with the configured mean.
func (u *vuser) thinkTime() time.Duration {
	if u.think <= 0 {
		return 0
	}
	return time.Duration(u.rng.ExpFloat64() * float64(u.think))
}

// loop runs the user's actions until stop is done. Requests run under ctx:
// the end of the run lets the ones in flight finish, an interruption
// (ctx done) cuts them and they are not counted.
func (u *vuser) loop(ctx, stop context.Context, rec *recorder) {
	for {
		if !sleep(stop, u.thinkTime()) {
			return
		}
		action, req, learn := u.next()
		start := time.Now()
		r, err := u.c.do(ctx, req)
		d := time.Since(start)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			rec.failure(action, errorKind(err), err.Error())
			continue
		}
		rec.success(action, d)
		if learn != nil {
			learn(r)
		}
	}
}

// sleep waits d, and reports false if ctx ends first.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return ctx.Err() == nil
	case <-ctx.Done():
		return false
	}
}

var words = strings.Fields(`the board task report draft review figure section results method
data model test sprint deadline supervisor chapter analysis literature survey prototype
interface database experiment measure benchmark latency table appendix reference abstract
introduction conclusion design implementation deployment evaluation feedback meeting`)

// sentence is n random words.
func sentence(rng *rand.Rand, n int) string {
	var b strings.Builder
	for k := range n {
		if k > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(words[rng.IntN(len(words))])
	}
	return b.String()
}

// comment is a short Markdown comment.
func comment(rng *rand.Rand) string {
	return "I looked at the **" + words[rng.IntN(len(words))] + "** part: " + sentence(rng, 12+rng.IntN(20)) +
		".\n\n- " + sentence(rng, 6) + "\n- " + sentence(rng, 8) + "\n"
}

// reportBody is the bulk of every uploaded report (about 10 KB of
// Markdown); each revision gets its own header, so its own CID.
var reportBody = func() string {
	rng := rand.New(rand.NewPCG(1, 2))
	var b strings.Builder
	for s := 1; b.Len() < 10_000; s++ {
		fmt.Fprintf(&b, "## Section %d: %s\n\n%s.\n\n", s, sentence(rng, 3), sentence(rng, 120))
		fmt.Fprintf(&b, "- %s\n- %s\n- %s\n\n", sentence(rng, 8), sentence(rng, 8), sentence(rng, 8))
	}
	return b.String()
}()

// reportUpload is the multipart body of revision rev of a report by user,
// and its content type.
func reportUpload(user string, rev int, at time.Time) ([]byte, string) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	h := textproto.MIMEHeader{}
	name := fmt.Sprintf("report-%s-%d.md", user, rev)
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename=%q`, name))
	h.Set("Content-Type", "text/markdown")
	part, _ := w.CreatePart(h) // writing to a bytes.Buffer does not fail
	fmt.Fprintf(part, "# Report, revision %d by %s\n\n_Uploaded %s._\n\n", rev, user, at.Format(time.RFC3339Nano))
	part.Write([]byte(reportBody))
	w.Close()
	return b.Bytes(), w.FormDataContentType()
}
