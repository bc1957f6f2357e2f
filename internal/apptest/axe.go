package apptest

import (
	"context"
	_ "embed"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// axeSource is axe-core (testdata/axe.min.js, MPL-2.0, see testdata/axe.README),
// the accessibility rules engine that Audit runs in the page.
//
//go:embed testdata/axe.min.js
var axeSource string

// AuditTags are the axe-core rule tags Audit checks: WCAG 2.0 and 2.1,
// levels A and AA.
var AuditTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa"}

// axeViolation is the part of an axe-core violation a test reports.
type axeViolation struct {
	ID      string   `json:"id"`
	Impact  string   `json:"impact"`
	Help    string   `json:"help"`
	Targets []string `json:"targets"`
}

const axeRun = `(async () => {
  const r = await axe.run(document, {runOnly: {type: 'tag', values: %TAGS%}, resultTypes: ['violations']});
  return r.violations.map(v => ({id: v.id, impact: v.impact || '', help: v.help,
    targets: v.nodes.map(n => n.target.join(' ') + (n.failureSummary ? ' — ' + n.failureSummary.replace(/\s+/g, ' ') : ''))}));
})()`

// Audit injects axe-core into the browser's current page, runs the WCAG 2 A
// and AA rules (AuditTags) and fails the test listing every violation: its
// rule id, impact and the elements at fault.
func Audit(t testing.TB, ctx context.Context) {
	t.Helper()
	Do(t, ctx, chromedp.Evaluate[chromedp.Void](`if (!window.axe) { `+axeSource+"\n}"))
	tags := `['` + strings.Join(AuditTags, `','`) + `']`
	violations := Get(t, ctx, chromedp.Evaluate[[]axeViolation](strings.Replace(axeRun, "%TAGS%", tags, 1), chromedp.EvalAwaitPromise))
	if len(violations) == 0 {
		return
	}
	url := Get(t, ctx, chromedp.Location())
	for _, v := range violations {
		t.Errorf("accessibility: %s: %s (%s, %s)\n\t%s", url, v.ID, v.Impact, v.Help, strings.Join(v.Targets, "\n\t"))
	}
}
