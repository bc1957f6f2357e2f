package web

import "net/http"

// greenhouseRoutes registers the Greenhouse Assessment Partner API and the
// integration pages.
func (s *Server) greenhouseRoutes(mux *http.ServeMux) {}
