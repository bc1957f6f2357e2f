package web

import (
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/talentsystems/talentsystems/internal/scoring"
)

// What assess.js records while an open answer is written (docs/scoring.md,
// integrity signals), sent with every save as hidden fields:
//
//	act=1                 the script ran (without it nothing is known)
//	act_pastes=120,1300   characters of each paste since the last save
//	act_focus=12.5,3      seconds of each spell away from the page since then
//
// The fields come from the candidate's browser and are never trusted for
// scoring: they only inform a reviewer. They are bounded here; a malformed
// entry is dropped, never a reason to refuse the answer.
const (
	// maxActivityField bounds the length of one list field.
	maxActivityField = 2000
	// maxActivityEntries bounds the entries one save may report per list.
	maxActivityEntries = 50
	// maxPasteChars bounds one paste's size.
	maxPasteChars = 1_000_000
	// maxFocusSeconds bounds one spell away from the page (a day).
	maxFocusSeconds = 86400
)

// formActivity reads the recorded activity of a save; nil when the page
// script did not run (the field is missing), which the signals show as
// "unknown".
func formActivity(r *http.Request) *scoring.Activity {
	if r.PostForm.Get("act") != "1" {
		return nil
	}
	act := &scoring.Activity{Recorded: true}
	for _, f := range activityList(r.PostForm.Get("act_pastes")) {
		n, err := strconv.Atoi(f)
		if err == nil && n > 0 {
			act.Pastes = append(act.Pastes, min(n, maxPasteChars))
		}
	}
	for _, f := range activityList(r.PostForm.Get("act_focus")) {
		s, err := strconv.ParseFloat(f, 64)
		if err == nil && s > 0 && !math.IsInf(s, 0) {
			act.FocusLost = append(act.FocusLost, min(math.Round(s*10)/10, maxFocusSeconds))
		}
	}
	return act
}

// activityList splits a comma-separated field, bounded in length and count.
func activityList(v string) []string {
	if v == "" || len(v) > maxActivityField {
		return nil
	}
	out := strings.Split(v, ",")
	if len(out) > maxActivityEntries {
		out = out[:maxActivityEntries]
	}
	for i := range out {
		out[i] = strings.TrimSpace(out[i])
	}
	return out
}
