package apptest

import (
	"os"
	"path/filepath"
	"testing"
)

// The documented screenshot folder is created when it does not exist.
func TestScreenshotDirCreated(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "shots", "new")
	t.Setenv("TS_SCREENSHOTS", dir)
	got, err := ScreenshotDir()
	if err != nil || got != dir {
		t.Fatalf("ScreenshotDir() = %q, %v", got, err)
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		t.Fatalf("folder not created: %v", err)
	}
}
