package candidates_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/talentsystems/talentsystems/internal/apptest"
	"github.com/talentsystems/talentsystems/internal/candidates"
	"github.com/talentsystems/talentsystems/internal/store"
)

// TestConcurrentImports: CSV imports into the same posting at the same
// moment all succeed, and the counters stay equal to a recount. On
// PostgreSQL each import is one transaction creating many candidates; when
// the counter row a created candidate moves depended on its id, interleaved
// ids locked counter rows in different orders and PostgreSQL aborted
// imports as deadlocked.
func TestConcurrentImports(t *testing.T) {
	t.Parallel()
	apptest.Databases(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		a, _ := open(t, dbURL)
		_, us, p := acmePosting(t, a, "backend-engineer")
		const imports, rows = 4, 60
		for round := range 3 {
			var wg sync.WaitGroup
			errs := make([]error, imports)
			start := make(chan struct{})
			for i := range imports {
				var file []candidates.CSVRow
				for j := range rows {
					file = append(file, candidates.CSVRow{Line: j + 2, Person: candidates.Person{FirstName: "I", LastName: fmt.Sprint(i),
						Email: fmt.Sprintf("r%d-i%d-%d@example.test", round, i, j)}})
				}
				wg.Go(func() {
					<-start
					added, _, err := a.Candidates.ImportCSV(ctx, us, p.ID, file)
					if err == nil && len(added) != rows {
						err = fmt.Errorf("added %d of %d", len(added), rows)
					}
					errs[i] = err
				})
			}
			close(start)
			wg.Wait()
			for i, err := range errs {
				if err != nil {
					t.Errorf("round %d, import %d: %v", round, i, err)
				}
			}
		}
		var n int
		if err := a.Store.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM candidates WHERE posting_id = $1`, p.ID).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if want := 3 * imports * rows; n != want {
			t.Errorf("%d candidates, want %d", n, want)
		}
		if err := store.CheckDerived(ctx, a.Store.DB); err != nil {
			t.Error(err)
		}
	})
}
