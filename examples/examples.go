// Package examples ships the example postings inside the binary, so the
// product can offer them as templates ("Start from a template") without
// pointing customers to the source repository.
package examples

import "embed"

// Postings holds postings/*.json, each a complete posting in the posting
// JSON format.
//
//go:embed postings/*.json
var Postings embed.FS
