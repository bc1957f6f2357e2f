package bench

import (
	"testing"

	"github.com/talentsystems/talentsystems/internal/apptest"
)

// TestBenchSmoke runs each load scenario once at a tiny size on SQLite, so
// the benchmark code keeps working; it asserts no timing. The analytics
// scenario also runs on PostgreSQL (when TEST_DATABASE_URL is set), and
// checks that its bulk seeding leaves the derived tables as the product
// keeps them.
func TestBenchSmoke(t *testing.T) {
	t.Run("partner", func(t *testing.T) { partnerScenario(&report{tb: t}, "", smokeScale()) })
	t.Run("pages", func(t *testing.T) { pagesScenario(&report{tb: t}, "", smokeScale()) })
	t.Run("dashboards", func(t *testing.T) { dashboardsScenario(&report{tb: t}, "", smokeScale()) })
	t.Run("analytics/sqlite", func(t *testing.T) { analyticsScenario(&report{tb: t}, "", 2100, 1, true) })
	t.Run("analytics/postgres", func(t *testing.T) { analyticsScenario(&report{tb: t}, apptest.PostgresURL(t), 2100, 1, true) })
}
