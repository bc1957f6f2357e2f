package bench

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/talentsystems/talentsystems/internal/apptest"
	"github.com/talentsystems/talentsystems/internal/candidates"
	"github.com/talentsystems/talentsystems/internal/model"
)

// BenchmarkCandidatePages measures the candidate's hot path: showing a
// question (GET) and saving an answer (POST), for the backend-engineer
// example, over HTTP on SQLite.
func BenchmarkCandidatePages(b *testing.B) {
	ctx := context.Background()
	inst := apptest.Start(b, apptest.Config(b, ""))
	org, _ := inst.Accounts.CreateOrg(ctx, model.CommandLine(0), "Bench", "bench")
	doc, _ := os.ReadFile("../examples/postings/backend-engineer.json")
	p, err := inst.Postings.Import(ctx, model.CommandLine(org.ID), bytesReader(doc), true)
	if err != nil {
		b.Fatal(err)
	}
	c, err := inst.Candidates.Add(ctx, model.CommandLine(org.ID), p.ID, candidates.Person{FirstName: "B", LastName: "C", Email: "b@example.test"}, candidates.AddOptions{Source: model.SourceManual})
	if err != nil {
		b.Fatal(err)
	}
	link := inst.Candidates.Link(c)
	path := strings.TrimPrefix(link, inst.URL)
	if err := inst.Candidates.Start(ctx, path[strings.LastIndex(path, "/")+1:], true); err != nil {
		b.Fatal(err)
	}
	cl := apptest.NewClient(b, inst.URL)
	b.Run("show question", func(b *testing.B) {
		for b.Loop() {
			if r := cl.Get(path + "/q/1"); r.Status != http.StatusOK {
				b.Fatalf("status %d", r.Status)
			}
		}
	})
	b.Run("save answer", func(b *testing.B) {
		for b.Loop() {
			r := cl.Submit(path+"/q/1", path+"/q/1", url.Values{"answer": {"an idempotency key and a unique constraint"}, "action": {"next"}})
			if r.Status != http.StatusSeeOther {
				b.Fatalf("status %d", r.Status)
			}
		}
	})
}
