// Package bench holds the performance benchmarks whose figures are in
// docs/performance.md. Run: go test ./bench -run '^$' -bench . -benchtime 200x
package bench

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/talentsystems/talentsystems/internal/apptest"
	"github.com/talentsystems/talentsystems/internal/auth"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/store"
)

const seeded = 100_000

// seed fills one posting with n candidates (a tenth completed with scores)
// directly in SQL, in one transaction.
func seed(b testing.TB, inst *apptest.Instance, n int) (orgID, postingID int64) {
	b.Helper()
	ctx := context.Background()
	org, err := inst.Accounts.CreateOrg(ctx, model.CommandLine(0), "Bench", "bench")
	if err != nil {
		b.Fatal(err)
	}
	u := model.CommandLine(org.ID)
	doc, _ := os.ReadFile("../examples/postings/customer-support-lead.json")
	p, err := inst.Postings.Import(ctx, u, bytesReader(doc), true)
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now()
	// Batches of 2 000 a transaction: PostgreSQL cannot prune the versions
	// of a counter row (migration 00015) that one transaction keeps updating.
	for lo := 0; lo < n && err == nil; lo += 2000 {
		hi := min(n, lo+2000)
		err = inst.Store.Tx(ctx, func(tx *sql.Tx) error {
			stmt, err := tx.PrepareContext(ctx, `INSERT INTO candidates (org_id, posting_id, first_name, last_name, email, source, status, token_hash,
			expires_at, score, recommendation, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 'manual', $6, $7, $8, $9, $10, $11, $11)`)
			if err != nil {
				return err
			}
			for i := lo; i < hi; i++ {
				status, rec := "sent", ""
				var score any
				if i%10 == 0 {
					status, score, rec = "completed", float64(i%100), "yes"
				}
				created := now.Add(-time.Duration(n-i) * time.Minute).UnixMicro()
				if _, err := stmt.ExecContext(ctx, org.ID, p.ID, fmt.Sprintf("First%06d", i), fmt.Sprintf("Last%06d", i), fmt.Sprintf("c%06d@example.test", i),
					status, auth.Hash(strconv.Itoa(i)), now.Add(14*24*time.Hour).UnixMicro(), score, rec, created); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if err != nil {
		b.Fatal(err)
	}
	// A bulk load leaves the planner without statistics; production tables have them.
	if _, err := inst.Store.DB.ExecContext(ctx, "ANALYZE"); err != nil {
		b.Fatal(err)
	}
	return org.ID, p.ID
}

// BenchmarkCandidateList measures one page of a posting's candidate list at
// 100 000 candidates, for the filters and sorts the list page offers.
func BenchmarkCandidateList(b *testing.B) {
	for _, db := range []string{"sqlite", "postgres"} {
		b.Run(db, func(b *testing.B) {
			url := ""
			if db == "postgres" {
				url = apptest.PostgresURL(b)
			}
			inst := apptest.Start(b, apptest.Config(b, url))
			orgID, postingID := seed(b, inst, seeded)
			cases := []model.CandidateFilter{
				{Sort: "created", Desc: true},
				{Sort: "name", Offset: 50_000},
				{Sort: "score", Desc: true, Status: "completed"},
				{Search: "c04999"},
				{Status: "expired"},
			}
			for _, f := range cases {
				f.OrgID, f.PostingID, f.Limit, f.Now = orgID, postingID, 50, time.Now()
				name := fmt.Sprintf("sort=%s,status=%s,search=%s,offset=%d", f.Sort, f.Status, f.Search, f.Offset)
				b.Run(name, func(b *testing.B) {
					for b.Loop() {
						if _, _, err := store.ListCandidates(context.Background(), inst.Store.DB, f); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
			b.Run("page", func(b *testing.B) {
				c := apptest.NewClient(b, inst.URL)
				ctx := context.Background()
				if _, err := inst.Accounts.CreateUser(ctx, model.CommandLine(0), accountUser(orgID)); err != nil {
					b.Fatal(err)
				}
				c.SignIn("bench@example.test", "bench password 1")
				path := fmt.Sprintf("/postings/%d/candidates", postingID)
				for b.Loop() {
					if r := c.Get(path); r.Status != http.StatusOK {
						b.Fatalf("status %d", r.Status)
					}
				}
			})
		})
	}
}
