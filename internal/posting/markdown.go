package posting

import (
	"bytes"
	"html/template"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Markdown fields are CommonMark plus GitHub tables, strikethrough and bare
// URL links. The checker and the renderer share one syntax so that what
// Validate accepts is exactly what RenderMarkdown displays.
var markdownExtensions = []goldmark.Extender{extension.Table, extension.Strikethrough, extension.Linkify}

// checker parses Markdown for Validate; it sees raw HTML nodes, which the
// renderer's sanitizer removes.
var checker = goldmark.New(goldmark.WithExtensions(markdownExtensions...))

// renderer turns Markdown into safe HTML. goldmark escapes text and, without
// html.WithUnsafe, never copies raw HTML; the sanitizer additionally removes
// raw HTML nodes, images and links whose scheme is not allowed.
var renderer = goldmark.New(
	goldmark.WithExtensions(markdownExtensions...),
	goldmark.WithParserOptions(parser.WithASTTransformers(util.Prioritized(sanitizer{}, 1000))),
)

// RenderMarkdown renders a Markdown field (description, prompt, guidance,
// brief) as HTML that is safe to embed in a page: raw HTML is dropped, images
// are replaced by their alt text, and links keep their href only when it is an
// http, https or mailto URL (otherwise only the link text remains). Links get
// rel="nofollow noopener noreferrer".
func RenderMarkdown(src string) template.HTML {
	var buf bytes.Buffer
	if err := renderer.Convert([]byte(src), &buf); err != nil {
		// Rendering into a bytes.Buffer does not fail; if it ever does, show
		// the source as escaped text rather than nothing.
		return template.HTML("<p>" + template.HTMLEscapeString(src) + "</p>")
	}
	// A code block scrolls inside itself; tabindex lets keyboard users scroll it.
	out := strings.ReplaceAll(buf.String(), "<pre>", `<pre tabindex="0">`)
	return template.HTML(out) // sanitized by the renderer above
}

// safeURL reports whether a link destination may be kept.
func safeURL(dest []byte) bool {
	d := strings.ToLower(string(dest))
	return strings.HasPrefix(d, "https://") || strings.HasPrefix(d, "http://") || strings.HasPrefix(d, "mailto:")
}

const linkRel = "nofollow noopener noreferrer"

// sanitizer is the AST transformer of RenderMarkdown.
type sanitizer struct{}

// Transform removes raw HTML and images and neutralizes unsafe links.
func (sanitizer) Transform(doc *ast.Document, reader text.Reader, _ parser.Context) {
	source := reader.Source()
	var targets []ast.Node
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			switch n.(type) {
			case *ast.RawHTML, *ast.HTMLBlock, *ast.Image, *ast.Link, *ast.AutoLink:
				targets = append(targets, n)
			}
		}
		return ast.WalkContinue, nil
	})
	// Nodes are changed after the walk, which must not see a changing tree.
	for _, n := range targets {
		parent := n.Parent()
		if parent == nil {
			continue
		}
		switch n := n.(type) {
		case *ast.RawHTML, *ast.HTMLBlock:
			parent.RemoveChild(parent, n)
		case *ast.Image:
			unwrap(n)
		case *ast.Link:
			if safeURL(n.Destination) {
				n.SetAttributeString("rel", linkRel)
			} else {
				unwrap(n)
			}
		case *ast.AutoLink:
			url := n.URL(source)
			if n.AutoLinkType == ast.AutoLinkEmail && !bytes.HasPrefix(bytes.ToLower(url), []byte("mailto:")) {
				url = append([]byte("mailto:"), url...)
			}
			label := ast.NewString(bytes.Clone(n.Label(source)))
			if !safeURL(url) {
				parent.ReplaceChild(parent, n, label)
				continue
			}
			link := ast.NewLink()
			link.Destination = url
			link.AppendChild(link, label)
			link.SetAttributeString("rel", linkRel)
			parent.ReplaceChild(parent, n, link)
		}
	}
}

// unwrap replaces n by its children.
func unwrap(n ast.Node) {
	parent := n.Parent()
	for c := n.FirstChild(); c != nil; {
		next := c.NextSibling()
		parent.InsertBefore(parent, n, c)
		c = next
	}
	parent.RemoveChild(parent, n)
}

// markdownHTML finds raw HTML outside code in a Markdown source: HTML blocks,
// inline HTML, and any "<" that starts a tag in ordinary text even where
// Markdown would not treat it as HTML. It returns a snippet of the first one.
func markdownHTML(src string) (string, bool) {
	source := []byte(src)
	doc := checker.Parser().Parse(text.NewReader(source))
	var found string
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.CodeSpan, *ast.CodeBlock, *ast.FencedCodeBlock:
			return ast.WalkSkipChildren, nil
		case *ast.RawHTML:
			var b []byte
			for i := 0; i < n.Segments.Len(); i++ {
				seg := n.Segments.At(i)
				b = append(b, seg.Value(source)...)
			}
			found = string(b)
		case *ast.HTMLBlock:
			if n.Lines().Len() > 0 {
				seg := n.Lines().At(0)
				found = string(seg.Value(source))
			} else {
				found = "<"
			}
		case *ast.Text:
			v := n.Segment.Value(source)
			for i := 0; i+1 < len(v); i++ {
				if v[i] == '<' && isTagStart(v[i+1]) && (i == 0 || v[i-1] != '\\') {
					found = string(v[i:])
					break
				}
			}
		}
		if found != "" {
			return ast.WalkStop, nil
		}
		return ast.WalkContinue, nil
	})
	if found == "" {
		return "", false
	}
	return snippet(strings.TrimSpace(found)), true
}
