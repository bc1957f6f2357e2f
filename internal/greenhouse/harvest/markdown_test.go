package harvest

import "testing"

func TestMarkdown(t *testing.T) {
	for _, c := range []struct{ name, in, want string }{
		{"paragraphs and bold", "<p><strong>About</strong></p><p>A &amp; B</p>", "**About**\n\nA & B"},
		{"lists", "<ul><li>one</li><li>two</li></ul><ol><li>first</li></ol>", "- one\n- two\n\n1. first"},
		{"safe link", `<a href="https://example.com/x">site</a>`, "[site](https://example.com/x)"},
		{"script link and script", `<a href="javascript:alert(1)">bad</a><script>alert(2)</script>`, "bad"},
		{"markdown and html in text", `<p>&lt;img src=x onerror=alert(1)&gt; *not bold* [x](javascript:y)</p>`, `\<img src=x onerror=alert(1)\> \*not bold\* \[x\](javascript:y)`},
	} {
		if got := Markdown(c.in); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}
