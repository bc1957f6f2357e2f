package web

import "net/http"

// assessmentRoutes registers the candidate's pages under /a/{token}.
func (s *Server) assessmentRoutes(mux *http.ServeMux) {}
