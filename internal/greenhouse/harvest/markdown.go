package harvest

import (
	"regexp"
	"strconv"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Markdown turns a job post's HTML into the posting's Markdown: paragraphs,
// headings, bold and italic, lists and http(s)/mailto links survive; every
// other element keeps only its text (scripts and styles lose theirs too), and
// Markdown's own syntax characters in the text are escaped, so nothing in
// the HTML can smuggle markup or script into the posting.
func Markdown(src string) string {
	nodes, err := html.ParseFragment(strings.NewReader(src), &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body})
	if err != nil {
		return ""
	}
	var b mdWriter
	for _, n := range nodes {
		b.node(n)
	}
	out := strings.TrimSpace(blankLines.ReplaceAllString(b.String(), "\n\n"))
	return out
}

var blankLines = regexp.MustCompile(`\n[ \t]*(\n[ \t]*)+`)

type mdWriter struct {
	strings.Builder
	lists []listState
}

type listState struct {
	ordered bool
	n       int
}

func (w *mdWriter) block() { w.WriteString("\n\n") }

func (w *mdWriter) children(n *html.Node) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.node(c)
	}
}

func (w *mdWriter) node(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		w.WriteString(escapeText(n.Data))
		return
	case html.ElementNode:
	default:
		w.children(n)
		return
	}
	switch n.DataAtom {
	case atom.Script, atom.Style, atom.Template, atom.Iframe, atom.Object, atom.Noscript:
		return
	case atom.P, atom.Div, atom.Section, atom.Article, atom.Blockquote, atom.Table, atom.Tr:
		w.block()
		w.children(n)
		w.block()
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		w.block()
		w.WriteString(strings.Repeat("#", int(n.Data[1]-'0')) + " ")
		w.inline(n)
		w.block()
	case atom.Br:
		w.WriteString("  \n")
	case atom.Strong, atom.B:
		w.wrap(n, "**")
	case atom.Em, atom.I:
		w.wrap(n, "*")
	case atom.Ul, atom.Ol:
		w.block()
		w.lists = append(w.lists, listState{ordered: n.DataAtom == atom.Ol})
		w.children(n)
		w.lists = w.lists[:len(w.lists)-1]
		w.block()
	case atom.Li:
		depth := len(w.lists)
		marker := "- "
		if depth > 0 && w.lists[depth-1].ordered {
			w.lists[depth-1].n++
			marker = strconv.Itoa(w.lists[depth-1].n) + ". "
		}
		w.WriteString("\n" + strings.Repeat("   ", max(depth-1, 0)) + marker)
		w.inline(n)
	case atom.A:
		href := attr(n, "href")
		text := strings.TrimSpace(w.render(n))
		if !safeLink(href) || text == "" {
			w.WriteString(text)
			return
		}
		w.WriteString("[" + text + "](" + strings.NewReplacer("(", "%28", ")", "%29", " ", "%20").Replace(href) + ")")
	case atom.Td, atom.Th:
		w.children(n)
		w.WriteString(" ")
	default:
		w.children(n)
	}
}

// inline writes an element's content on one line.
func (w *mdWriter) inline(n *html.Node) {
	w.WriteString(strings.Join(strings.Fields(w.render(n)), " "))
}

func (w *mdWriter) wrap(n *html.Node, mark string) {
	t := strings.TrimSpace(w.render(n))
	if t == "" {
		return
	}
	w.WriteString(mark + t + mark)
}

// render returns an element's children as Markdown, nested lists included.
func (w *mdWriter) render(n *html.Node) string {
	sub := mdWriter{lists: w.lists}
	sub.children(n)
	return sub.String()
}

func attr(n *html.Node, name string) string {
	for _, a := range n.Attr {
		if a.Key == name {
			return strings.TrimSpace(a.Val)
		}
	}
	return ""
}

func safeLink(href string) bool {
	h := strings.ToLower(href)
	return strings.HasPrefix(h, "https://") || strings.HasPrefix(h, "http://") || strings.HasPrefix(h, "mailto:")
}

var mdSpecial = strings.NewReplacer(`\`, `\\`, "*", `\*`, "_", `\_`, "`", "\\`", "[", `\[`, "]", `\]`, "<", `\<`, ">", `\>`, "#", `\#`, "|", `\|`)

// escapeText collapses whitespace and escapes Markdown syntax in text.
func escapeText(s string) string {
	s = strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' || r == '\t' }), " ")
	return mdSpecial.Replace(s)
}
