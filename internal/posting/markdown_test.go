package posting

import (
	"html/template"
	"strings"
	"testing"
)

func TestRenderMarkdown(t *testing.T) {
	const rel = `rel="nofollow noopener noreferrer"`
	for _, tc := range []struct {
		name    string
		src     string
		want    []string // substrings of the output
		notWant []string
	}{
		{name: "basic", src: "## Role\n\n**Bold** and `a < b`", want: []string{"<h2>Role</h2>", "<strong>Bold</strong>", "<code>a &lt; b</code>"}},
		{name: "table", src: "| a | b |\n|---|---|\n| 1 | 2 |", want: []string{"<table>", "<td>1</td>"}},
		{name: "script block", src: "<script>alert(1)</script>\n\ntext", want: []string{"<p>text</p>"}, notWant: []string{"alert(1)", "raw HTML"}},
		{name: "inline script", src: "a <script>alert(1)</script> b", notWant: []string{"<script"}},
		{name: "event handler", src: `x <img src=x onerror="alert(1)"> y`, notWant: []string{"<img", "onerror"}},
		{name: "iframe", src: "<iframe src=\"https://evil.example\"></iframe>", notWant: []string{"<iframe"}},
		{name: "svg", src: "<svg onload=alert(1)>", notWant: []string{"<svg", "onload"}},
		{name: "comment", src: "a <!-- secret --> b", notWant: []string{"secret", "<!--"}},
		{name: "code keeps markup as text", src: "```html\n<script>alert(1)</script>\n```", want: []string{"&lt;script&gt;alert(1)&lt;/script&gt;"}, notWant: []string{"<script"}},
		{name: "javascript link", src: "[click](javascript:alert(1))", want: []string{"<p>click</p>"}, notWant: []string{"href"}},
		{name: "javascript link upper case", src: "[click](JaVaScRiPt:alert(1))", notWant: []string{"href"}},
		{name: "javascript link with entity", src: "[click](jav&#x61;script:alert(1))", notWant: []string{"href"}},
		{name: "javascript link with escape", src: "[click](java\\script:alert(1))", notWant: []string{"href"}},
		{name: "javascript link in angle brackets", src: "[click](<javascript:alert(1)>)", notWant: []string{"href"}},
		{name: "javascript autolink", src: "<javascript:alert(1)>", notWant: []string{"href"}},
		{name: "javascript reference link", src: "[click][x]\n\n[x]: javascript:alert(1)", want: []string{"click"}, notWant: []string{"href"}},
		{name: "vbscript link", src: "[x](vbscript:msgbox(1))", notWant: []string{"href"}},
		{name: "data link", src: "[x](data:text/html;base64,PHNjcmlwdD4=)", notWant: []string{"href"}},
		{name: "file link", src: "[x](file:///etc/passwd)", notWant: []string{"href"}},
		{name: "relative link", src: "[x](/admin)", notWant: []string{"href"}},
		{name: "protocol-relative link", src: "[x](//evil.example)", notWant: []string{"href"}},
		{name: "ftp autolink", src: "<ftp://example.com/file>", want: []string{"ftp://example.com/file"}, notWant: []string{"href"}},
		{name: "https link", src: "[docs](https://example.com/a?b=1&c=2 \"Title\")", want: []string{`<a href="https://example.com/a?b=1&amp;c=2" title="Title" ` + rel + `>docs</a>`}},
		{name: "http link", src: "[docs](http://example.com)", want: []string{`href="http://example.com"`, rel}},
		{name: "mailto link", src: "[mail](mailto:jobs@example.com)", want: []string{`href="mailto:jobs@example.com"`, rel}},
		{name: "autolink", src: "<https://example.com>", want: []string{`<a href="https://example.com" ` + rel + `>https://example.com</a>`}},
		{name: "email autolink", src: "<jobs@example.com>", want: []string{`href="mailto:jobs@example.com"`, ">jobs@example.com</a>"}},
		{name: "bare URL", src: "see https://example.com/x now", want: []string{`<a href="https://example.com/x" ` + rel + `>`}},
		{name: "bare www", src: "see www.example.com now", want: []string{`href="http://www.example.com"`}},
		{name: "attribute injection", src: "[x](https://a.example/\"onmouseover=\"alert(1))", notWant: []string{`"onmouseover`}},
		{name: "image", src: "![a cat](https://example.com/cat.png)", want: []string{"a cat"}, notWant: []string{"<img", "cat.png"}},
		{name: "image in link", src: "[![logo](https://x.example/l.png)](https://example.com)", want: []string{`href="https://example.com"`, "logo"}, notWant: []string{"<img"}},
		{name: "javascript image", src: "![x](javascript:alert(1))", notWant: []string{"<img", "javascript"}},
		{name: "escaped text", src: "5 > 3 & \"quotes\"", want: []string{"5 &gt; 3 &amp; &quot;quotes&quot;"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := string(RenderMarkdown(tc.src))
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(out, w) {
					t.Errorf("output contains %q:\n%s", w, out)
				}
			}
			assertSafeHTML(t, out)
		})
	}
}

// assertSafeHTML checks the invariants every rendering must keep. Text such
// as "javascript:alert(1)" may remain as escaped text, but never in an href.
func assertSafeHTML(t *testing.T, out string) {
	t.Helper()
	lower := strings.ToLower(out)
	for _, bad := range []string{"<script", "<img", "<iframe", "<svg", "<object", "<embed", "<style", "<!--"} {
		if strings.Contains(lower, bad) {
			t.Errorf("rendered HTML contains %q:\n%s", bad, out)
		}
	}
	for _, href := range strings.Split(lower, `href="`)[1:] {
		if !strings.HasPrefix(href, "https://") && !strings.HasPrefix(href, "http://") && !strings.HasPrefix(href, "mailto:") {
			t.Errorf("rendered HTML has an unsafe href %.40q", href)
		}
	}
}

func TestRenderMarkdownExamples(t *testing.T) {
	for _, file := range exampleFiles(t) {
		p := mustDecode(t, string(mustRead(t, file)))
		srcs := []string{p.Description}
		for _, q := range p.Questions {
			srcs = append(srcs, q.Prompt, q.Guidance, q.Brief)
		}
		for _, src := range srcs {
			var _ template.HTML = RenderMarkdown(src)
			assertSafeHTML(t, string(RenderMarkdown(src)))
		}
	}
}

func TestMarkdownHTMLCheck(t *testing.T) {
	for _, tc := range []struct {
		src  string
		html bool
	}{
		{"plain text", false},
		{"a < b and x<3 and <5 years", false},
		{"`<b>` in a code span", false},
		{"```\n<div>\n```", false},
		{"~~~\n<script>\n~~~", false},
		{"    <div>indented code</div>", false},
		{"<https://example.com> and <jobs@example.com>", false},
		{"\\<b> escaped", false},
		{"&lt;b&gt; as entities", false},
		{"<b>bold</b>", true},
		{"text </p>", true},
		{"<div>\nblock\n</div>", true},
		{"<!-- comment -->", true},
		{"<!DOCTYPE html>", true},
		{"<?php echo 1; ?>", true},
		{"a <b c", true},
		{"> quote with <em>html</em>", true},
		{"- list <span>item</span>", true},
		{"| a |\n|---|\n| <i>x</i> |", true},
		{"[link <b>text</b>](https://example.com)", true},
	} {
		t.Run(tc.src, func(t *testing.T) {
			_, got := markdownHTML(tc.src)
			if got != tc.html {
				t.Errorf("markdownHTML(%q) = %v, want %v", tc.src, got, tc.html)
			}
		})
	}
}
