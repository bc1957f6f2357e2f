package web

import "net/http"

// removeTeammate removes a member after a confirmation step.
func (s *Server) removeTeammate(w http.ResponseWriter, r *http.Request) error {
	id := pathID(r, "id")
	if !s.confirmed(w, r, confirmation{Heading: "Remove this teammate?", Button: "Remove the teammate", Cancel: "/settings#teammates",
		Effects: []string{"They are signed out everywhere and can no longer sign in to your organization.", "Postings, candidates and notes they created stay.", "You can invite them again later."}}) {
		return nil
	}
	u, err := s.accounts.RemoveMember(r.Context(), actor(r), id)
	if err != nil {
		return s.settingsError(w, r, &SettingsPage{}, err)
	}
	s.flash(w, u.Name+" ("+u.Email+") was removed from the organization.")
	http.Redirect(w, r, "/settings#teammates", http.StatusSeeOther)
	return nil
}

// invitationAction resends or revokes a pending invitation.
func (s *Server) invitationAction(w http.ResponseWriter, r *http.Request) error {
	id := pathID(r, "id")
	switch r.PathValue("action") {
	case "resend":
		inv, err := s.accounts.ResendInvitation(r.Context(), actor(r), id)
		if err != nil {
			return s.settingsError(w, r, &SettingsPage{}, err)
		}
		s.flash(w, "A new invitation is on its way to "+inv.Email+"; the earlier link stopped working.")
	case "revoke":
		inv, err := s.accounts.RevokeInvitation(r.Context(), actor(r), id)
		if err != nil {
			return s.settingsError(w, r, &SettingsPage{}, err)
		}
		s.flash(w, "The invitation to "+inv.Email+" is revoked: its link no longer works.")
	default:
		return s.notFound(w, r)
	}
	http.Redirect(w, r, "/settings#teammates", http.StatusSeeOther)
	return nil
}
