// Package docs ships the documentation pages the product shows to its users
// (the posting JSON format and its JSON Schema) inside the binary.
package docs

import _ "embed"

// PostingFormat is posting-format.md: the posting JSON format, as Markdown.
//
//go:embed posting-format.md
var PostingFormat string

// PostingSchema is posting.schema.json: the posting format's JSON Schema.
//
//go:embed posting.schema.json
var PostingSchema []byte
