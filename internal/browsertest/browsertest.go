// Package browsertest starts headless Chromium for the UI tests and holds
// the accessibility checks they share. The browser comes from
// ACANBAN_CHROMIUM or the PATH (scripts/test installs it); under CI=true a
// missing browser fails the test instead of skipping it.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Find returns the path of the browser, failing (under CI) or skipping
// (elsewhere, with the reason) when there is none.
func Find(t testing.TB) string {
	t.Helper()
	bin := os.Getenv("ACANBAN_CHROMIUM")
	if bin == "" {
		for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
			if p, err := exec.LookPath(name); err == nil {
				bin = p
				break
			}
		}
	}
	if bin == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI: headless Chromium is required for the UI tests: set ACANBAN_CHROMIUM or install chromium (scripts/test does)")
		}
		t.Skip("no Chromium found: run ./scripts/test, which installs it, or set ACANBAN_CHROMIUM")
	}
	return bin
}

// New returns a browser tab's context, closed when the test ends. The
// browser is started here, so callers may derive timeouts from it.
func New(t testing.TB) context.Context {
	t.Helper()
	bin := Find(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(bin),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1280, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc()
	})
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	return ctx
}

// Timeout bounds one part of a browser test.
func Timeout(t testing.TB, ctx context.Context, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(ctx, d)
	t.Cleanup(cancel)
	return ctx
}
