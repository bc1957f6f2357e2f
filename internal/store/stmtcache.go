package store

import (
	"container/list"
	"context"
	"database/sql/driver"
	"errors"
	"strings"
)

// SQLite (modernc) prepares every statement afresh on each call: parsing and
// planning were about a quarter of the CPU of the API paths under load.
// cachingConnector wraps the SQLite connector so that each connection keeps
// its most recently used statements prepared, transparently for every query
// (pool reads, transactions, River). PostgreSQL needs none of this: pgx
// caches prepared statements per connection itself.

// stmtCacheSize is how many prepared statements a connection keeps.
const stmtCacheSize = 128

type cachingConnector struct{ driver.Connector }

func (c cachingConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return newCachingConn(conn)
}

// The interfaces of modernc's connection that database/sql uses.
type sqliteConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.QueryerContext
	driver.ExecerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
}

// cachedStmt is a statement of the cache; inUse while rows read from it.
type cachedStmt struct {
	query string
	stmt  interface {
		driver.Stmt
		driver.StmtQueryContext
		driver.StmtExecContext
	}
	inUse bool
}

// cachingConn is one SQLite connection with its statement cache. Like any
// driver.Conn it is used by one goroutine at a time.
type cachingConn struct {
	sqliteConn
	lru   *list.List // of *cachedStmt, most recent first
	index map[string]*list.Element
}

func newCachingConn(c driver.Conn) (driver.Conn, error) {
	sc, ok := c.(sqliteConn)
	if !ok {
		c.Close()
		return nil, errors.New("store: the SQLite driver's connection lacks an interface the statement cache needs")
	}
	return &cachingConn{sqliteConn: sc, lru: list.New(), index: map[string]*list.Element{}}, nil
}

// cacheable reports whether a statement is worth keeping: one plain DML
// statement (scripts and schema changes run uncached).
func cacheable(query string) bool {
	q := strings.TrimSpace(query)
	if strings.Contains(strings.TrimRight(q, "; \t\n"), ";") || len(q) < 6 {
		return false
	}
	switch strings.ToUpper(q[:6]) {
	case "SELECT", "INSERT", "UPDATE", "DELETE":
		return true
	}
	return strings.EqualFold(q[:4], "WITH")
}

// get returns the cached statement for query, preparing it when missing;
// nil when the query is not cached or its statement is busy (rows still
// open on it), in which case the caller runs it uncached.
func (c *cachingConn) get(ctx context.Context, query string) (*cachedStmt, error) {
	if !cacheable(query) {
		return nil, nil
	}
	if e, ok := c.index[query]; ok {
		cs := e.Value.(*cachedStmt)
		if cs.inUse {
			return nil, nil
		}
		c.lru.MoveToFront(e)
		return cs, nil
	}
	ds, err := c.sqliteConn.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	st, ok := ds.(interface {
		driver.Stmt
		driver.StmtQueryContext
		driver.StmtExecContext
	})
	if !ok {
		ds.Close()
		return nil, nil
	}
	cs := &cachedStmt{query: query, stmt: st}
	c.index[query] = c.lru.PushFront(cs)
	for e := c.lru.Back(); c.lru.Len() > stmtCacheSize && e != nil; {
		prev := e.Prev()
		if old := e.Value.(*cachedStmt); !old.inUse {
			c.lru.Remove(e)
			delete(c.index, old.query)
			old.stmt.Close()
		}
		e = prev
	}
	return cs, nil
}

func (c *cachingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	cs, err := c.get(ctx, query)
	if err != nil {
		return nil, err
	}
	if cs == nil {
		return c.sqliteConn.QueryContext(ctx, query, args)
	}
	rows, err := cs.stmt.QueryContext(ctx, args)
	if err != nil {
		return nil, err
	}
	cs.inUse = true
	return &cachedRows{Rows: rows, cs: cs}, nil
}

func (c *cachingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	cs, err := c.get(ctx, query)
	if err != nil {
		return nil, err
	}
	if cs == nil {
		return c.sqliteConn.ExecContext(ctx, query, args)
	}
	return cs.stmt.ExecContext(ctx, args)
}

// Close finalizes the cached statements, then closes the connection.
func (c *cachingConn) Close() error {
	for e := c.lru.Front(); e != nil; e = e.Next() {
		e.Value.(*cachedStmt).stmt.Close()
	}
	c.lru.Init()
	clear(c.index)
	return c.sqliteConn.Close()
}

// cachedRows frees its statement for the next use when closed (the driver
// resets it).
type cachedRows struct {
	driver.Rows
	cs *cachedStmt
}

func (r *cachedRows) Close() error {
	err := r.Rows.Close()
	r.cs.inUse = false
	return err
}

// The optional interfaces of modernc's rows, passed through.

func (r *cachedRows) ColumnTypeDatabaseTypeName(i int) string {
	if t, ok := r.Rows.(driver.RowsColumnTypeDatabaseTypeName); ok {
		return t.ColumnTypeDatabaseTypeName(i)
	}
	return ""
}
