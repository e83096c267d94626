package web

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/acanban/acanban/internal/browsertest"
	"github.com/acanban/acanban/internal/domain"
)

// boardSite makes a project with three tasks and a browser logged in as its
// student member.
func boardSite(t *testing.T) (*site, context.Context, string) {
	s := newSite(t, domain.RegistrationOpen)
	ada := s.register(t, "ada", "student")
	r := ada.post("/p/create", form("name", "Board test"))
	if r.StatusCode != 303 {
		t.Fatalf("create project: %d", r.StatusCode)
	}
	var id int64
	fmt.Sscanf(r.Header.Get("Location"), "/p/%d/info", &id)
	for _, name := range []string{"Write", "Review", "Present"} {
		if r := ada.post(fmt.Sprintf("/p/%d/tasks/create", id), form("name", name)); r.StatusCode != 303 {
			t.Fatalf("create task: %d", r.StatusCode)
		}
	}
	ctx := browsertest.Timeout(t, browsertest.New(t), time.Minute)
	if err := chromedp.Do(ctx, chromedp.Navigate(s.URL+"/login"),
		chromedp.SendKeys(chromedp.CSS("#login-username"), "ada"),
		chromedp.SendKeys(chromedp.CSS("#login-password"), "password-ada"+kb.Enter),
		chromedp.WaitVisible(chromedp.CSS(".me"))); err != nil {
		t.Fatalf("log in: %v", err)
	}
	return s, ctx, fmt.Sprintf("%s/p/%d/tasks", s.URL, id)
}

// columnOf returns the status of the column holding card n.
func columnOf(t *testing.T, ctx context.Context, n int) string {
	t.Helper()
	st, err := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(
		`(document.querySelector('#task-%d') || {closest: () => null}).closest('.column')?.dataset.status || ''`, n)))
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// waitColumn waits until card n is in column want.
func waitColumn(t *testing.T, ctx context.Context, n int, want string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for got := ""; time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if got = columnOf(t, ctx, n); got == want {
			return
		}
	}
	t.Fatalf("card #%d is in %q; want %q", n, columnOf(t, ctx, n), want)
}

// TestUIDragCardToDone drags a card to Done with the mouse: it moves at once
// without a reload, the count follows, and it is still in Done after reload.
func TestUIDragCardToDone(t *testing.T) {
	s, ctx, board := boardSite(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(board), chromedp.WaitVisible(chromedp.CSS("#task-2"))); err != nil {
		t.Fatal(err)
	}
	// Mark the page: a reload would lose the mark.
	if err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Evaluate[bool](`window.noReload = true`)(ctx, tg)
		return err
	})); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.DragAndDrop(chromedp.CSS("#task-2 small"), chromedp.CSS(".column.done .cards"))); err != nil {
		t.Fatalf("drag: %v", err)
	}
	waitColumn(t, ctx, 2, "done")
	still, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.noReload === true`))
	if !still {
		t.Error("the page reloaded to move the card")
	}
	count, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('.column.done .count').textContent`))
	if count != "1" {
		t.Errorf("Done column count = %q; want 1", count)
	}
	// Saved on the server: it stays in Done after a reload.
	waitSaved(t, s, 2, domain.StatusDone)
	if err := chromedp.Do(ctx, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("#task-2"))); err != nil {
		t.Fatal(err)
	}
	if got := columnOf(t, ctx, 2); got != "done" {
		t.Errorf("after reload card #2 is in %q; want done", got)
	}
	if got := columnOf(t, ctx, 1); got != "todo" {
		t.Errorf("card #1 moved too: %q", got)
	}
}

// TestUIBoardWithoutJavaScript moves a card with its button, scripts off.
func TestUIBoardWithoutJavaScript(t *testing.T) {
	_, ctx, board := boardSite(t)
	if err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return err
	}), chromedp.Navigate(board), chromedp.WaitVisible(chromedp.CSS("#task-3"))); err != nil {
		t.Fatal(err)
	}
	// The click submits the form: the page navigates during the action,
	// which chromedp may report; what counts is where the card ends up.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#task-3 button[value="doing"]`))); err != nil &&
		!strings.Contains(err.Error(), "navigated or closed") {
		t.Fatal(err)
	}
	waitColumn(t, ctx, 3, "doing")
	if err := chromedp.Do(ctx, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("#task-3"))); err != nil {
		t.Fatal(err)
	}
	if got := columnOf(t, ctx, 3); got != "doing" {
		t.Errorf("after reload card #3 is in %q; want doing", got)
	}
}

// TestUIBoardKeyboard moves a card with the keyboard alone: Tab to its
// button, Enter; the script moves it in place and keeps focus on the card.
func TestUIBoardKeyboard(t *testing.T) {
	_, ctx, board := boardSite(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(board), chromedp.WaitVisible(chromedp.CSS("#task-1")),
		chromedp.Focus(chromedp.CSS(`#task-1 button[value="done"]`)), chromedp.KeyEvent(kb.Enter)); err != nil {
		t.Fatal(err)
	}
	waitColumn(t, ctx, 1, "done")
	focus, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement.closest('.kcard')?.id || document.activeElement.tagName`))
	if focus != "task-1" {
		t.Errorf("focus after moving is on %q; want inside the moved card", focus)
	}
}

// waitSaved waits until the server holds task n of project 1 in status want.
func waitSaved(t *testing.T, s *site, n int, want domain.Status) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if tk, err := s.srv.Store.TaskByNumber(context.Background(), 1, n); err == nil && tk.Status == want {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("task #%d was not saved as %s", n, want)
}

// TestUIBoardTouch drags a card with a finger, by its handle, on a phone
// screen where the columns are one above the other.
func TestUIBoardTouch(t *testing.T) {
	s, ctx, board := boardSite(t)
	touch := func(typ input.DispatchTouchEventType, x, y float64) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			p := input.DispatchTouchEventParams{Type: typ}
			if typ != input.DispatchTouchEventTypeTouchEnd {
				p.TouchPoints = []*input.TouchPoint{{X: x, Y: y}}
			}
			_, err := cdp.Call(ctx, tg, input.DispatchTouchEvent, p)
			return err
		})
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 1400, chromedp.EmulateMobile, chromedp.EmulateTouch),
		chromedp.Navigate(board), chromedp.WaitVisible(chromedp.CSS("#task-1 .grip"))); err != nil {
		t.Fatal(err)
	}
	center := func(sel string) (float64, float64) {
		r, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`(() => { const r = document.querySelector('`+sel+
			`').getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })()`))
		if err != nil || len(r) != 2 {
			t.Fatalf("position of %s: %v %v", sel, r, err)
		}
		return r[0], r[1]
	}
	x0, y0 := center("#task-1 .grip")
	x1, y1 := center(".column.doing .cards")
	steps := []chromedp.Action[chromedp.Void]{touch(input.DispatchTouchEventTypeTouchStart, x0, y0)}
	for i := 1; i <= 10; i++ {
		f := float64(i) / 10
		steps = append(steps, touch(input.DispatchTouchEventTypeTouchMove, x0+(x1-x0)*f, y0+(y1-y0)*f))
	}
	steps = append(steps, touch(input.DispatchTouchEventTypeTouchEnd, 0, 0))
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
	waitColumn(t, ctx, 1, "doing")
	waitSaved(t, s, 1, domain.StatusDoing)
	if err := chromedp.Do(ctx, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("#task-1"))); err != nil {
		t.Fatal(err)
	}
	if got := columnOf(t, ctx, 1); got != "doing" {
		t.Errorf("after reload card #1 is in %q; want doing", got)
	}
}

// TestUITwoBrowsersLive: a card moved in one browser moves on the board
// open in another, without a reload.
func TestUITwoBrowsersLive(t *testing.T) {
	s, ctxA, board := boardSite(t) // ada, logged in
	s.register(t, "bob", "student")
	ada := s.client(t)
	ada.post("/login", form("username", "ada", "password", "password-ada"))
	ada.post("/p/1/invite", form("username", "bob"))
	ctxB := browsertest.Timeout(t, browsertest.New(t), time.Minute)
	if err := chromedp.Do(ctxB, chromedp.Navigate(s.URL+"/login"),
		chromedp.SendKeys(chromedp.CSS("#login-username"), "bob"),
		chromedp.SendKeys(chromedp.CSS("#login-password"), "password-bob"+kb.Enter),
		chromedp.WaitVisible(chromedp.CSS(".me")),
		chromedp.Navigate(board), chromedp.WaitVisible(chromedp.CSS("#task-2"))); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctxB, chromedp.Evaluate[bool](`window.noReload = true`)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctxA, chromedp.Navigate(board), chromedp.WaitVisible(chromedp.CSS("#task-2")),
		chromedp.Click(chromedp.CSS(`#task-2 button[value="done"]`))); err != nil {
		t.Fatal(err)
	}
	waitColumn(t, ctxB, 2, "done")
	if still, _ := chromedp.Run(ctxB, chromedp.Evaluate[bool](`window.noReload === true`)); !still {
		t.Error("the other browser reloaded the page")
	}
	if count, _ := chromedp.Run(ctxB, chromedp.Evaluate[string](`document.querySelector('.column.done .count').textContent`)); count != "1" {
		t.Errorf("the other browser's Done count = %q; want 1", count)
	}
}
