package bench

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path"
	"regexp"
	"strings"
	"testing"

	"github.com/talentsystems/talentsystems/internal/apptest"
	"github.com/talentsystems/talentsystems/internal/candidates"
	"github.com/talentsystems/talentsystems/internal/model"
)

var csrfField = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// BenchmarkCandidatePagesLoad measures the candidate's hot path at c
// clients (default 32), each its own candidate: showing a question (GET)
// and saving an answer (POST), with the question page also served by a bare
// handler in alternation for the ratio. Run:
//
//	go test ./bench -run '^$' -bench CandidatePagesLoad -benchtime 1x
func BenchmarkCandidatePagesLoad(b *testing.B) {
	runScenario(b, pagesScenario)
}

// browser is one candidate's client: cookies (for the CSRF token) and link.
type browser struct {
	cl   *http.Client
	base string
	csrf string
}

func (w *browser) get(p string, want int) ([]byte, error) {
	resp, err := w.cl.Get(w.base + p)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode != want {
		err = fmt.Errorf("GET %s: status %d", p, resp.StatusCode)
	}
	return body, err
}

func pagesScenario(r *report, dbURL string, s scale) {
	tb := r.tb
	ctx := context.Background()
	inst := apptest.Start(tb, apptest.Config(tb, dbURL))
	org, _ := inst.Accounts.CreateOrg(ctx, model.CommandLine(0), "Bench", "bench")
	doc, _ := os.ReadFile("../examples/postings/backend-engineer.json")
	p, err := inst.Postings.Import(ctx, model.CommandLine(org.ID), bytesReader(doc), true)
	if err != nil {
		tb.Fatal(err)
	}
	tr := &http.Transport{MaxIdleConnsPerHost: s.C + 4}
	ws := make([]*browser, s.C)
	links := make([]string, s.C)
	for i := range ws {
		c, err := inst.Candidates.Add(ctx, model.CommandLine(org.ID), p.ID, candidates.Person{FirstName: "B", LastName: fmt.Sprint(i), Email: fmt.Sprintf("b%d@example.test", i)},
			candidates.AddOptions{Source: model.SourceManual})
		if err != nil {
			tb.Fatal(err)
		}
		link := strings.TrimPrefix(inst.Candidates.Link(c), inst.URL)
		if err := inst.Candidates.Start(ctx, path.Base(link), true); err != nil {
			tb.Fatal(err)
		}
		jar, _ := cookiejar.New(nil)
		ws[i] = &browser{cl: &http.Client{Transport: tr, Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}, base: inst.URL}
		links[i] = link
		body, err := ws[i].get(link+"/q/1", http.StatusOK)
		if err != nil {
			tb.Fatal(err)
		}
		m := csrfField.FindSubmatch(body)
		if m == nil {
			tb.Fatal("no CSRF token on the question page")
		}
		ws[i].csrf = string(m[1])
	}
	page, _ := ws[0].get(links[0]+"/q/1", http.StatusOK)
	ref := bare(tb, page)
	db := dbName(dbURL)
	r.printf("Candidate pages, %s, c=%d, %d requests a round, %d rounds", db, s.C, s.N, s.Rounds)
	bareWs := make([]*browser, s.C)
	for i := range bareWs {
		bareWs[i] = &browser{cl: ws[i].cl, base: ref}
	}
	show := alternate(s, func() result {
		return load(s.C, s.N, s.Limit, func(w, _ int) error { _, err := bareWs[w].get("/", http.StatusOK); return err })
	}, func() result {
		return load(s.C, s.N, s.Limit, func(w, _ int) error { _, err := ws[w].get(links[w]+"/q/1", http.StatusOK); return err })
	})
	r.pair(db+" question page GET", show)
	save := func(w, i int) error {
		form := url.Values{"answer": {fmt.Sprintf("an idempotency key and a unique constraint %d", i)}, "action": {"next"}, "csrf_token": {ws[w].csrf}}
		resp, err := ws[w].cl.PostForm(ws[w].base+links[w]+"/q/1", form)
		if err != nil {
			return err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther {
			return fmt.Errorf("POST answer: status %d", resp.StatusCode)
		}
		return nil
	}
	load(s.C, s.N, s.Limit, save) // unmeasured, as alternate does: measured warm
	var saves []result
	for range s.Rounds {
		saves = append(saves, load(s.C, s.N, s.Limit, save))
	}
	r.check("answer POST", saves...)
	for i, x := range saves {
		r.printf("  %-28s round %d  product %s", db+" answer POST", i+1, x)
	}
	r.printf("%-30s worst p99 %.1f ms", db+" answer POST", ms(worst(saves).P99))
}
