package web

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/acanban/acanban/internal/browsertest"
	"github.com/acanban/acanban/internal/domain"
)

// TestUIKeyboardRegistration registers with the keyboard alone in a real
// browser: the skip link comes first, Tab walks the form in order, Enter
// submits, and the dashboard greets the new user.
func TestUIKeyboardRegistration(t *testing.T) {
	s := newSite(t, domain.RegistrationOpen)
	ctx := browsertest.Timeout(t, browsertest.New(t), time.Minute)
	active := func() string {
		id, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement.id || document.activeElement.className`))
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(s.URL+"/register"), chromedp.KeyEvent(kb.Tab)); err != nil {
		t.Fatal(err)
	}
	if got := active(); got != "skip" {
		t.Errorf("first Tab stop = %q; want the skip link", got)
	}
	left, _ := chromedp.Run(ctx, chromedp.Evaluate[float64](`document.activeElement.getBoundingClientRect().left`))
	if left < 0 {
		t.Error("the focused skip link stays off screen")
	}
	if err := chromedp.Do(ctx, chromedp.Focus(chromedp.CSS("#username"))); err != nil {
		t.Fatal(err)
	}
	for _, f := range []struct{ id, text string }{
		{"username", "Keyboard.User"}, {"name", "Kim Keyboard"}, {"email", "kim@example.edu"}, {"password", "long enough"},
		{"role", ""}, {"department", "Informatics"}, {"student_id", "K-1"},
	} {
		if got := active(); got != f.id {
			t.Fatalf("focus on %q; want %q (Tab order)", got, f.id)
		}
		if err := chromedp.Do(ctx, chromedp.KeyEvent(f.text+kb.Tab)); err != nil {
			t.Fatal(err)
		}
	}
	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Enter)); err != nil { // in the token field: submits
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS("h1"))); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	var h1 string
	for time.Now().Before(deadline) {
		h1, _ = chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('h1') ? document.querySelector('h1').textContent : ''`))
		if strings.HasPrefix(h1, "Hello") {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if h1 != "Hello, Kim Keyboard" {
		t.Fatalf("after submitting with Enter the page says %q; want the dashboard greeting", h1)
	}
	u, err := s.srv.Store.UserByUsername(context.Background(), "keyboard.user")
	if err != nil || u.Department != "Informatics" || u.Role != domain.RoleStudent {
		t.Errorf("registered user = %+v, %v", u, err)
	}
}

// TestUIAccessibility checks every page of this issue, as a guest and as a
// user, light and dark, on a phone and a desktop: labels on every control,
// WCAG AA contrast, no sideways scrolling, and the stylesheet applied under
// the Content-Security-Policy.
func TestUIAccessibility(t *testing.T) {
	s := newSite(t, domain.RegistrationOpen)
	ada := s.register(t, "ada", "student")
	s.register(t, "bob", "supervisor")
	ada.post("/p/create", form("name", "Accessible project", "description", "Some **Markdown**", "deadline", "2030-01-01"))
	ada.post("/p/1/invite", form("username", "bob"))
	for i, st := range []string{"todo", "doing", "done"} {
		ada.post("/p/1/tasks/create", form("name", "Task "+st, "assignee", "ada", "deadline", "2020-01-0"+string(rune('1'+i))))
		ada.post(fmt.Sprintf("/p/1/tasks/%d/move", i+1), form("status", st))
	}
	ada.post("/p/1/tasks/1/comment", form("content", "A comment for @bob about #2"))
	ada.post("/p/1/tasks/1/comment", form("content", "A reply", "parent", "1"))
	ctx := browsertest.Timeout(t, browsertest.New(t), 3*time.Minute)
	guestPages := []string{"/", "/register", "/login", "/u/ada", "/nowhere", "/u/ada/edit"}
	userPages := []string{"/", "/u/ada", "/u/ada/edit", "/u/ada/password", "/nowhere",
		"/p", "/p?q=access", "/p/create", "/u?q=a", "/p/1/info", "/p/1/edit", "/p/1/members",
		"/p/1/tasks", "/p/1/tasks/create", "/p/1/tasks/1", "/p/1/tasks/1/edit", "/p/1/report", "/p/1/slides", "/p/1/grades"}
	check := func(who, path string) { checkPage(t, ctx, s, who, path) }
	for _, p := range guestPages {
		check("guest", p)
	}
	// Log in through the page itself.
	if err := chromedp.Do(ctx, chromedp.Navigate(s.URL+"/login"),
		chromedp.SendKeys(chromedp.CSS("#login-username"), "ada"),
		chromedp.SendKeys(chromedp.CSS("#login-password"), "password-ada"+kb.Enter),
		chromedp.WaitVisible(chromedp.CSS(".me"))); err != nil {
		t.Fatalf("log in: %v", err)
	}
	for _, p := range userPages {
		check("ada", p)
	}
}

// checkPage checks one page, light and dark, on a phone and a desktop:
// labels on every control, WCAG AA contrast, no sideways scrolling, and the
// stylesheet applied under the Content-Security-Policy.
func checkPage(t *testing.T, ctx context.Context, s *site, who, path string) {
	t.Helper()
	for _, scheme := range []string{"light", "dark"} {
		for _, width := range []int64{375, 1280} {
			where := who + " " + path + " " + scheme + " " + map[int64]string{375: "phone", 1280: "desktop"}[width]
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 800), browsertest.ColorScheme(scheme),
				chromedp.Navigate(s.URL+path), chromedp.WaitReady(chromedp.CSS("main"))); err != nil {
				t.Fatalf("%s: %v", where, err)
			}
			if err := browsertest.StylesApplied(ctx); err != nil {
				t.Errorf("%s: %v", where, err)
			}
			if bad, err := browsertest.Unlabelled(ctx); err != nil || len(bad) > 0 {
				t.Errorf("%s: controls without a label: %v %v", where, bad, err)
			}
			if bad, err := browsertest.LowContrast(ctx); err != nil || len(bad) > 0 {
				t.Errorf("%s: text under AA contrast: %v %v", where, bad, err)
			}
			if over, err := browsertest.Overflow(ctx); err != nil || over {
				t.Errorf("%s: the page scrolls sideways (%v)", where, err)
			}
		}
	}
}

// TestUIAccessibilityStaff checks the pages of supervisors, judges and
// assistants: grading forms, the overview, statistics.
func TestUIAccessibilityStaff(t *testing.T) {
	s := newSite(t, domain.RegistrationOpen)
	stu := s.account(t, "stu", "student", "ICT", "Nguyễn Gia Phong")
	s.account(t, "sup", "supervisor", "ICT", "")
	s.account(t, "jude", "judge", "", "")
	asst := s.account(t, "asst", "assistant", "ICT", "")
	stu.post("/p/create", form("name", "Graded project"))
	stu.post("/p/1/invite", form("username", "sup"))
	stu.post("/p/1/tasks/create", form("name", "A task", "assignee", "stu"))
	asst.post("/p/1/judges", form("username", "jude"))
	ctx := browsertest.Timeout(t, browsertest.New(t), 3*time.Minute)
	for who, pages := range map[string][]string{
		"sup":  {"/p/1/grades", "/p/1/tasks/1"},
		"jude": {"/", "/p/1/grades"},
		"asst": {"/", "/a", "/a/stats", "/p/1/grades", "/invites"},
		"stu":  {"/accounts"}, // the first account: an admin
	} {
		if err := chromedp.Do(ctx, chromedp.Navigate(s.URL+"/login"),
			chromedp.SendKeys(chromedp.CSS("#login-username"), who),
			chromedp.SendKeys(chromedp.CSS("#login-password"), "password-"+who+kb.Enter),
			chromedp.WaitVisible(chromedp.CSS(".me"))); err != nil {
			t.Fatalf("log in %s: %v", who, err)
		}
		for _, p := range pages {
			checkPage(t, ctx, s, who, p)
		}
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("form[action='/logout'] button")), chromedp.WaitVisible(chromedp.CSS(".hero"))); err != nil {
			t.Fatalf("log out %s: %v", who, err)
		}
	}
}
