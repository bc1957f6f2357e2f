package arch

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/talentsystems/talentsystems/"

// storeUsers are the packages that may import the store or database/sql:
// the store itself, the services that own the rules and transactions, and
// the wiring (app, and the test harness that seeds databases).
var storeUsers = map[string]bool{
	"internal/store":                 true,
	"internal/account":               true,
	"internal/postings":              true,
	"internal/candidates":            true,
	"internal/apikey":                true,
	"internal/jobs":                  true,
	"internal/greenhouse/partner":    true,
	"internal/greenhouse/connection": true,
	"internal/fairness":              true,
	"internal/analytics":             true,
	"internal/app":                   true,
	"internal/apptest":               true,
}

// txOwners are the packages that may begin transactions: the store and the
// services, and the test harness, which seeds databases in bulk.
var txOwners = map[string]bool{
	"internal/apptest":               true,
	"internal/store":                 true,
	"internal/account":               true,
	"internal/postings":              true,
	"internal/candidates":            true,
	"internal/apikey":                true,
	"internal/jobs":                  true,
	"internal/greenhouse/partner":    true,
	"internal/greenhouse/connection": true,
	"internal/fairness":              true,
	"internal/analytics":             true,
}

// TestLayering fails when a package outside the store and the services
// imports the store or database/sql, or begins a transaction: pages (web)
// and commands (cli) read and write only through service methods.
func TestLayering(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	files := 0
	for _, dir := range []string{"internal", "cmd"} {
		err := filepath.WalkDir(filepath.Join(root, dir), func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) {
				return filepath.SkipDir
			}
			if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return nil
			}
			rel, _ := filepath.Rel(root, path)
			rel = filepath.ToSlash(rel)
			files++
			checkFile(t, path, rel, filepath.ToSlash(filepath.Dir(rel)))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if files < 50 {
		t.Fatalf("checked only %d files: the walk is broken", files)
	}
}

func checkFile(t *testing.T, path, rel, pkg string) {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	for _, imp := range f.Imports {
		p, _ := strconv.Unquote(imp.Path.Value)
		if (p == "database/sql" || p == module+"internal/store") && !storeUsers[pkg] {
			t.Errorf("%s imports %s: only the store and the services may; read and write through a service method", rel, p)
		}
	}
	if txOwners[pkg] {
		return
	}
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		if sel, ok := call.Fun.(*ast.SelectorExpr); ok {
			switch sel.Sel.Name {
			case "Tx", "BeginTx", "Begin":
				t.Errorf("%s calls %s: only the store and the services open transactions", rel, sel.Sel.Name)
			}
		}
		return true
	})
}
