package sandbox

import "net/http"

// routes builds the sandbox's handler. Browser forms and admin endpoints
// are protected against cross-origin requests; Greenhouse's own endpoints
// are called by servers and are not.
func (s *Sandbox) routes() http.Handler {
	mux := http.NewServeMux()
	// Assessment stage: the completion callback.
	mux.HandleFunc("/integrations/testing_partners/take_home_tests/{id}", s.takeHomeTest)
	// Greenhouse OAuth.
	mux.HandleFunc("GET /authorize", s.authorizePage)
	mux.HandleFunc("POST /token", s.tokenEndpoint)
	// Harvest v3.
	mux.HandleFunc("GET /v3/jobs", s.listJobs)
	mux.HandleFunc("GET /v3/job_posts", s.listJobPosts)
	mux.HandleFunc("GET /v3/candidates", s.listCandidates)
	mux.HandleFunc("GET /v3/applications", s.listApplications)
	mux.HandleFunc("GET /v3/notes", s.listNotes)
	mux.HandleFunc("POST /v3/notes", s.createNote)

	protected := http.NewServeMux()
	protected.HandleFunc("GET /{$}", s.stagePage)
	protected.HandleFunc("POST /authorize", s.authorizeDecision)
	protected.HandleFunc("POST /sends", s.sendForm)
	protected.HandleFunc("POST /sends/{id}/poll", s.pollForm)
	protected.HandleFunc("POST /sends/{id}/resend", s.resendForm)
	protected.HandleFunc("POST /faults", s.faultForm)
	protected.HandleFunc("POST /revoke", s.revokeForm)
	protected.HandleFunc("GET /admin/state", s.adminState)
	protected.HandleFunc("GET /admin/faults", s.adminFaults)
	protected.HandleFunc("PUT /admin/faults/{endpoint}", s.adminSetFault)
	protected.HandleFunc("POST /admin/sends", s.adminSend)
	protected.HandleFunc("POST /admin/sends/{id}/poll", s.adminPoll)
	protected.HandleFunc("POST /admin/sends/{id}/resend", s.adminResend)
	protected.HandleFunc("POST /admin/revoke", s.adminRevoke)
	cop := http.NewCrossOriginProtection()
	for _, p := range []string{"/{$}", "POST /authorize", "/sends", "/sends/", "/faults", "/revoke", "/admin/"} {
		mux.Handle(p, cop.Handler(protected))
	}
	return mux
}
