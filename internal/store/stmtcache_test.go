package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
)

// TestStatementCache runs what a per-connection statement cache could get
// wrong on SQLite: the same query again while rows of it are still open (in
// a transaction, so on one connection), more distinct queries than the cache
// holds, a failed statement followed by its reuse, and a schema change under
// a cached statement.
func TestStatementCache(t *testing.T) {
	ctx := context.Background()
	s := open(t, "")
	if _, err := s.DB.ExecContext(ctx, `CREATE TABLE cache_probe (id INTEGER PRIMARY KEY, v TEXT NOT NULL UNIQUE)`); err != nil {
		t.Fatal(err)
	}
	const insert = `INSERT INTO cache_probe (id, v) VALUES ($1, $2)`
	for i := 1; i <= 5; i++ {
		if _, err := s.DB.ExecContext(ctx, insert, i, fmt.Sprint("v", i)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.DB.ExecContext(ctx, insert, 9, "v1"); err == nil {
		t.Fatal("duplicate value inserted")
	}
	if _, err := s.DB.ExecContext(ctx, insert, 6, "v6"); err != nil {
		t.Fatalf("the statement after its failure: %v", err)
	}
	const sel = `SELECT id, v FROM cache_probe WHERE id >= $1 ORDER BY id`
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		outer, err := tx.QueryContext(ctx, sel, 1)
		if err != nil {
			return err
		}
		defer outer.Close()
		n := 0
		for outer.Next() {
			var id int
			var v string
			if err := outer.Scan(&id, &v); err != nil {
				return err
			}
			// The same statement while the outer rows are open.
			var inner int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM (`+sel+`) x`, id).Scan(&inner); err != nil {
				return err
			}
			rows, err := tx.QueryContext(ctx, sel, id)
			if err != nil {
				return err
			}
			m := 0
			for rows.Next() {
				m++
			}
			rows.Close()
			if m != 7-id || inner != m {
				return fmt.Errorf("nested read from %d: %d and %d rows, want %d", id, m, inner, 7-id)
			}
			n++
		}
		if n != 6 {
			return fmt.Errorf("outer read %d rows, want 6", n)
		}
		return outer.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 300 { // more than a connection keeps
		var got int
		if err := s.DB.QueryRowContext(ctx, fmt.Sprintf(`SELECT COUNT(*) + %d FROM cache_probe`, i)).Scan(&got); err != nil || got != 6+i {
			t.Fatalf("query %d: %d, %v", i, got, err)
		}
	}
	if _, err := s.DB.ExecContext(ctx, `ALTER TABLE cache_probe ADD COLUMN w TEXT NOT NULL DEFAULT 'w'`); err != nil {
		t.Fatal(err)
	}
	rows, err := s.DB.QueryContext(ctx, sel, 6)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	if !rows.Next() || len(cols) != 2 {
		t.Fatalf("after a schema change: columns %v", cols)
	}
}
