package sandbox

import (
	"fmt"
	"strings"
	"time"
)

// Harvest v3 records, with the field names of the contract (§2.2); fields
// the contract does not name follow Harvest's published style and are
// *unconfirmed*.
type (
	named struct {
		ID   int64  `json:"id"`
		Name string `json:"name"`
	}
	job struct {
		ID            int64      `json:"id"`
		Name          string     `json:"name"`
		RequisitionID string     `json:"requisition_id"`
		Status        string     `json:"status"`
		Confidential  bool       `json:"confidential"`
		Notes         *string    `json:"notes"`
		Departments   []named    `json:"departments"`
		Offices       []named    `json:"offices"`
		OpenedAt      *time.Time `json:"opened_at"`
		ClosedAt      *time.Time `json:"closed_at"`
		CreatedAt     time.Time  `json:"created_at"`
		UpdatedAt     time.Time  `json:"updated_at"`
	}
	jobPost struct {
		ID        int64     `json:"id"`
		JobID     int64     `json:"job_id"`
		Title     string    `json:"title"`
		Live      bool      `json:"live"`
		Internal  bool      `json:"internal"`
		Location  named     `json:"location"`
		Content   string    `json:"content"`
		CreatedAt time.Time `json:"created_at"`
		UpdatedAt time.Time `json:"updated_at"`
	}
	email struct {
		Value string `json:"value"`
		Type  string `json:"type"`
	}
	candidate struct {
		ID             int64     `json:"id"`
		FirstName      string    `json:"first_name"`
		LastName       string    `json:"last_name"`
		Company        *string   `json:"company"`
		Title          *string   `json:"title"`
		EmailAddresses []email   `json:"email_addresses"`
		ApplicationIDs []int64   `json:"application_ids"`
		CreatedAt      time.Time `json:"created_at"`
		UpdatedAt      time.Time `json:"updated_at"`
	}
	application struct {
		ID             int64      `json:"id"`
		CandidateID    int64      `json:"candidate_id"`
		JobID          int64      `json:"job_id"`
		Status         string     `json:"status"`
		CurrentStage   *named     `json:"current_stage"`
		AppliedAt      time.Time  `json:"applied_at"`
		RejectedAt     *time.Time `json:"rejected_at"`
		HiredAt        *time.Time `json:"hired_at"`
		LastActivityAt time.Time  `json:"last_activity_at"`
	}
)

// harvestData is the seeded organization's Harvest data. Jobs, posts,
// candidates and applications do not change; notes are kept in State.
type harvestData struct {
	jobs         []job
	posts        []jobPost
	candidates   []candidate
	applications []application
}

var (
	departments = []named{{4001, "Engineering"}, {4002, "Data"}, {4003, "Design"}, {4004, "Sales"}, {4005, "Customer Support"}, {4006, "Operations"}}
	offices     = []named{{5001, "London"}, {5002, "New York"}, {5003, "Berlin"}, {5004, "Remote (EU)"}}
	stages      = []named{{6001, "Application Review"}, {6002, "Phone Screen"}, {6003, "Take Home Test"}, {6004, "Onsite"}, {6005, "Offer"}}
	roles       = []struct {
		name string
		dept int
	}{
		{"Senior Backend Engineer (Go)", 0}, {"Frontend Engineer", 0}, {"Site Reliability Engineer", 0}, {"Engineering Manager, Platform", 0},
		{"Data Analyst", 1}, {"Data Engineer", 1}, {"Machine Learning Engineer", 1}, {"Product Designer", 2}, {"UX Researcher", 2},
		{"Account Executive", 3}, {"Sales Development Representative", 3}, {"Solutions Engineer", 3},
		{"Customer Support Specialist", 4}, {"Support Team Lead", 4}, {"People Operations Partner", 5}, {"Finance Analyst", 5},
	}
	firstNames = []string{"Ada", "Grace", "Alan", "Katherine", "Linus", "Margaret", "Dennis", "Barbara", "Ken", "Frances", "Edsger", "Radia"}
	lastNames  = []string{"Lovelace", "Hopper", "Turing", "Johnson", "Torvalds", "Hamilton", "Ritchie", "Liskov", "Thompson", "Allen", "Dijkstra", "Perlman"}
)

// seedHarvest builds the data: 34 jobs (open, closed and draft, over two
// offices each), a job post with HTML content per job, and 48 candidates
// with one application each, at every stage, some rejected and some hired.
func seedHarvest(now time.Time) *harvestData {
	d := &harvestData{}
	base := now.UTC().Truncate(24*time.Hour).AddDate(0, -6, 0)
	for i := 0; i < 34; i++ {
		r := roles[i%len(roles)]
		status := "open"
		switch {
		case i%7 == 5:
			status = "closed"
		case i%11 == 9:
			status = "draft"
		}
		created := base.AddDate(0, 0, i*3)
		j := job{ID: 107000 + int64(i), Name: r.name, RequisitionID: fmt.Sprintf("REQ-%04d", 100+i), Status: status,
			Departments: []named{departments[r.dept]}, Offices: []named{offices[i%len(offices)], offices[(i+1)%len(offices)]},
			CreatedAt: created, UpdatedAt: created.AddDate(0, 0, 2)}
		if i >= len(roles) {
			j.Name = fmt.Sprintf("%s — %s", r.name, offices[(i+i/len(roles))%len(offices)].Name)
		}
		plan := "Hiring plan: two openings this quarter."
		j.Notes = &plan
		if status != "draft" {
			opened := created.AddDate(0, 0, 1)
			j.OpenedAt = &opened
		}
		if status == "closed" {
			closed := created.AddDate(0, 1, 0)
			j.ClosedAt = &closed
		}
		d.jobs = append(d.jobs, j)
		d.posts = append(d.posts, jobPost{ID: 208000 + int64(i), JobID: j.ID, Title: j.Name, Live: status == "open",
			Location: j.Offices[0], Content: postContent(j), CreatedAt: created, UpdatedAt: j.UpdatedAt})
	}
	for i := 0; i < 48; i++ {
		j := d.jobs[i%len(d.jobs)]
		created := base.AddDate(0, 1, i)
		c := candidate{ID: 309000 + int64(i), FirstName: firstNames[i%len(firstNames)], LastName: lastNames[(i*5)%len(lastNames)],
			CreatedAt: created, UpdatedAt: created.AddDate(0, 0, 3)}
		c.EmailAddresses = []email{{Value: strings.ToLower(fmt.Sprintf("%s.%s.%d@example.com", c.FirstName, c.LastName, i)), Type: "personal"}}
		if i%3 == 0 {
			company, title := "Analytical Engines Ltd", "Engineer"
			c.Company, c.Title = &company, &title
		}
		a := application{ID: 410000 + int64(i), CandidateID: c.ID, JobID: j.ID, Status: "active", AppliedAt: created, LastActivityAt: created.AddDate(0, 0, 3)}
		stage := stages[i%len(stages)]
		a.CurrentStage = &stage
		switch {
		case i%9 == 4:
			a.Status = "hired"
			hired := created.AddDate(0, 0, 20)
			a.HiredAt, a.CurrentStage = &hired, &stages[4]
		case i%5 == 3:
			a.Status = "rejected"
			rejected := created.AddDate(0, 0, 6)
			a.RejectedAt = &rejected
		}
		c.ApplicationIDs = []int64{a.ID}
		d.candidates = append(d.candidates, c)
		d.applications = append(d.applications, a)
	}
	return d
}

// postContent is a job post's HTML, with paragraphs, lists and links as
// Greenhouse's editor produces them.
func postContent(j job) string {
	return fmt.Sprintf(`<p><strong>About the role</strong></p>
<p>We are hiring a %s to join our %s team in %s. You will work with a small team &amp; ship every week.</p>
<p><strong>What you will do</strong></p>
<ul>
<li>Own features from design to production</li>
<li>Review code and mentor colleagues</li>
<li>Talk to customers &lt;directly&gt; when it helps</li>
</ul>
<p><strong>What we look for</strong></p>
<ol>
<li>Three or more years in a similar role</li>
<li>Clear written communication</li>
</ol>
<p>Read about our benefits on <a href="https://example.com/careers/benefits" target="_blank" rel="noopener">our careers site</a>.</p>`,
		j.Name, j.Departments[0].Name, j.Offices[0].Name)
}
