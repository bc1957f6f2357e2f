package web

import (
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/talentsystems/talentsystems/internal/scoring"
)

func TestFormActivity(t *testing.T) {
	many := strings.TrimSuffix(strings.Repeat("30,", 80), ",")
	tests := []struct {
		name string
		form url.Values
		want *scoring.Activity
	}{
		{"no script", url.Values{"answer": {"x"}}, nil},
		{"script, nothing seen", url.Values{"act": {"1"}}, &scoring.Activity{Recorded: true}},
		{"pastes and spells", url.Values{"act": {"1"}, "act_pastes": {"120, 1300"}, "act_focus": {"12.5,3.04"}},
			&scoring.Activity{Recorded: true, Pastes: []int{120, 1300}, FocusLost: []float64{12.5, 3}}},
		{"malformed entries dropped", url.Values{"act": {"1"}, "act_pastes": {"-5,abc,0,40,1e9"}, "act_focus": {"NaN,-1,Inf,+Inf,7"}},
			&scoring.Activity{Recorded: true, Pastes: []int{40}, FocusLost: []float64{7}}},
		{"bounded sizes", url.Values{"act": {"1"}, "act_pastes": {"99999999"}, "act_focus": {"999999"}},
			&scoring.Activity{Recorded: true, Pastes: []int{maxPasteChars}, FocusLost: []float64{maxFocusSeconds}}},
		{"bounded count", url.Values{"act": {"1"}, "act_pastes": {many}}, &scoring.Activity{Recorded: true, Pastes: repeat(30, maxActivityEntries)}},
		{"field too long", url.Values{"act": {"1"}, "act_pastes": {strings.Repeat("1", maxActivityField+1)}}, &scoring.Activity{Recorded: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &http.Request{PostForm: tt.form}
			if got := formActivity(r); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func repeat(n, times int) []int {
	out := make([]int, times)
	for i := range out {
		out[i] = n
	}
	return out
}
