package posting

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
)

// The standard decoder cannot name the JSON pointer of an unknown field or a
// type error, and it silently accepts duplicate object keys. So documents are
// first read token by token into a small tree that keeps member order and
// reports syntax problems with the pointer where they occurred; the tree is
// then mapped onto the Go types by the mapper in parse.go.

type nodeKind int

const (
	nodeNull nodeKind = iota
	nodeBool
	nodeNumber
	nodeString
	nodeArray
	nodeObject
)

// node is a JSON value.
type node struct {
	kind    nodeKind
	boolean bool
	text    string // the string value, or the number literal
	items   []*node
	members []member
}

type member struct {
	name  string
	value *node
}

// maxDepth bounds nesting; the deepest valid path is about eight levels.
const maxDepth = 32

// errSyntax marks a document that could not be read as JSON; the problem is
// already recorded in the error list.
var errSyntax = errors.New("syntax")

type treeReader struct {
	dec  *json.Decoder
	errs *errorList
}

// readTree parses data as exactly one JSON value. Problems are recorded in
// errs; on a syntax problem it returns nil.
func readTree(data []byte, errs *errorList) *node {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	r := &treeReader{dec: dec, errs: errs}
	tok, err := dec.Token()
	if err == io.EOF {
		errs.add("", "the document is empty")
		return nil
	}
	if err != nil {
		r.syntax("", err)
		return nil
	}
	root, err := r.value(tok, "", 0)
	if err != nil {
		return nil
	}
	if _, err := dec.Token(); err != io.EOF {
		errs.add("", "unexpected data after the JSON document at byte %d", dec.InputOffset())
		return nil
	}
	return root
}

func (r *treeReader) syntax(p ptr, err error) {
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		r.errs.add(p, "malformed JSON at byte %d: %v", se.Offset, se)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		r.errs.add(p, "malformed JSON: the document ends too early")
	default:
		r.errs.add(p, "malformed JSON: %v", err)
	}
}

func (r *treeReader) next(p ptr) (json.Token, error) {
	tok, err := r.dec.Token()
	if err != nil {
		r.syntax(p, err)
		return nil, errSyntax
	}
	return tok, nil
}

func (r *treeReader) value(tok json.Token, p ptr, depth int) (*node, error) {
	switch t := tok.(type) {
	case nil:
		return &node{kind: nodeNull}, nil
	case bool:
		return &node{kind: nodeBool, boolean: t}, nil
	case json.Number:
		return &node{kind: nodeNumber, text: string(t)}, nil
	case string:
		return &node{kind: nodeString, text: t}, nil
	case json.Delim:
		if depth >= maxDepth {
			r.errs.add(p, "nested too deeply")
			return nil, errSyntax
		}
		if t == '[' {
			return r.array(p, depth)
		}
		return r.object(p, depth)
	}
	r.errs.add(p, "malformed JSON: unexpected token %v", tok)
	return nil, errSyntax
}

func (r *treeReader) array(p ptr, depth int) (*node, error) {
	n := &node{kind: nodeArray}
	for {
		ip := p.index(len(n.items))
		tok, err := r.next(ip)
		if err != nil {
			return nil, err
		}
		if tok == json.Delim(']') {
			return n, nil
		}
		v, err := r.value(tok, ip, depth+1)
		if err != nil {
			return nil, err
		}
		n.items = append(n.items, v)
	}
}

func (r *treeReader) object(p ptr, depth int) (*node, error) {
	n := &node{kind: nodeObject}
	seen := map[string]bool{}
	for {
		tok, err := r.next(p)
		if err != nil {
			return nil, err
		}
		if tok == json.Delim('}') {
			return n, nil
		}
		name, ok := tok.(string)
		if !ok {
			r.errs.add(p, "malformed JSON: expected a field name, found %v", tok)
			return nil, errSyntax
		}
		mp := p.key(name)
		tok, err = r.next(mp)
		if err != nil {
			return nil, err
		}
		v, err := r.value(tok, mp, depth+1)
		if err != nil {
			return nil, err
		}
		if seen[name] {
			r.errs.add(mp, "field %q appears more than once", name)
			continue
		}
		seen[name] = true
		n.members = append(n.members, member{name: name, value: v})
	}
}

// describe names a JSON value's type for error messages.
func (n *node) describe() string {
	switch n.kind {
	case nodeNull:
		return "null"
	case nodeBool:
		return "a boolean"
	case nodeNumber:
		return "a number"
	case nodeString:
		return "a string"
	case nodeArray:
		return "an array"
	}
	return "an object"
}
