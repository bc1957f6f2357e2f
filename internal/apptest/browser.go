package apptest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Browser starts a headless Chromium for the test and returns its context. It
// skips the test when Chromium is not installed (CI installs it, so there it runs).
func Browser(t testing.TB) context.Context {
	t.Helper()
	path := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		skipOutsideCI(t, "Chromium is not installed; browser tests run in CI")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-sync", true),
		chromedp.NoSandbox,
		chromedp.WindowSize(1280, 900),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelCtx(); cancelAlloc() })
	// The first run starts the browser and must not carry a timeout.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

// Do runs browser steps with a time limit, failing the test on error.
func Do(t testing.TB, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

// Get runs one browser action that returns a value, with a time limit.
func Get[T any](t testing.TB, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// Screenshot saves a full-page PNG as name in $TS_SCREENSHOTS, when set, so a
// person can look at what the test saw.
func Screenshot(t testing.TB, ctx context.Context, name string) {
	t.Helper()
	dir, err := ScreenshotDir()
	if err != nil {
		t.Fatal(err)
	}
	if dir == "" {
		return
	}
	png := Get(t, ctx, chromedp.FullScreenshot(100))
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Error(err)
	}
}

// ViewportScreenshot saves what is on screen now (not the whole page) as
// name in $TS_SCREENSHOTS, when set: for what stays in view while scrolling.
func ViewportScreenshot(t testing.TB, ctx context.Context, name string) {
	t.Helper()
	dir, err := ScreenshotDir()
	if err != nil {
		t.Fatal(err)
	}
	if dir == "" {
		return
	}
	png := Get(t, ctx, chromedp.CaptureScreenshot())
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Error(err)
	}
}

// ScreenshotDir returns the folder named by $TS_SCREENSHOTS, creating it
// when it does not exist yet, or "" when screenshots are not wanted.
func ScreenshotDir() (string, error) {
	dir := os.Getenv("TS_SCREENSHOTS")
	if dir == "" {
		return "", nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("TS_SCREENSHOTS: %w", err)
	}
	return dir, nil
}

// Load runs a step that leaves the page (a click on a link or button, a form
// submission) and waits until the next page has loaded, so that later steps
// never act on the page being left.
func Load(t testing.TB, ctx context.Context, step chromedp.Action[chromedp.Void]) {
	t.Helper()
	Do(t, ctx, chromedp.Evaluate[chromedp.Void](`document.documentElement.dataset.stale = "1"`), step)
	deadline := time.Now().Add(15 * time.Second)
	for {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`!document.documentElement.dataset.stale && document.readyState === "complete"`))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no new page loaded (%v)", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
