package bench

import "testing"

// TestBenchSmoke runs each load scenario once at a tiny size on SQLite, so
// the benchmark code keeps working; it asserts no timing.
func TestBenchSmoke(t *testing.T) {
	t.Run("partner", func(t *testing.T) { partnerScenario(&report{tb: t}, "", smokeScale()) })
	t.Run("pages", func(t *testing.T) { pagesScenario(&report{tb: t}, "", smokeScale()) })
	t.Run("dashboards", func(t *testing.T) { dashboardsScenario(&report{tb: t}, "", smokeScale()) })
}
