//go:build duckdb_arrow

package udf

import (
	"context"
	"reflect"
	"sync"
	"unsafe"

	"github.com/duckdb/duckdb-go/v2"
	"github.com/duckdb/duckdb-go/v2/mapping"

	"github.com/ducksight/ducksight/dserr"
)

// This file is the one accessor into duckdb-go's unexported state. duckdb-go
// (v2.10506.0, the pinned version) has no public way to reach
//
//   - the C connection behind a *duckdb.Conn (field Conn.conn, a
//     mapping.Connection), needed to register raw table functions and to run
//     data queries through the streaming C API, and
//   - the context store of a *duckdb.Connector (field Connector.ctxStore, a
//     *contextStore holding a sync.Map from connection id to the
//     context.Context of the statement running on it), needed so a table
//     function sees the caller's context and stops when it is cancelled.
//
// checkLayout verifies, by reflection, that both fields exist with the
// expected types before anything reads them; Open and Register call it and
// refuse with dserr.Incompatible when an embedder's module graph pulls a
// duckdb-go whose layout differs.

type ctxStoreMirror struct {
	m sync.Map
}

var (
	layoutOnce   sync.Once
	layoutErr    error
	connFieldOff uintptr
	ctxFieldOff  uintptr
)

func checkLayout() error {
	layoutOnce.Do(func() {
		layoutErr = verifyLayout()
	})
	return layoutErr
}

func verifyLayout() error {
	incompatible := func(format string, a ...any) error {
		return dserr.New(dserr.Incompatible, "ducksight", "",
			"duckdb-go internals differ from the version ducksight supports (v2.10506.0): "+format, a...)
	}
	connT := reflect.TypeOf(duckdb.Conn{})
	f, ok := connT.FieldByName("conn")
	if !ok {
		return incompatible("duckdb.Conn has no field conn")
	}
	if f.Type != reflect.TypeOf(mapping.Connection{}) {
		return incompatible("duckdb.Conn.conn is %s, want mapping.Connection", f.Type)
	}
	if f.Type.Size() != unsafe.Sizeof(unsafe.Pointer(nil)) {
		return incompatible("mapping.Connection has size %d", f.Type.Size())
	}
	connFieldOff = f.Offset

	ctorT := reflect.TypeOf(duckdb.Connector{})
	g, ok := ctorT.FieldByName("ctxStore")
	if !ok {
		return incompatible("duckdb.Connector has no field ctxStore")
	}
	if g.Type.Kind() != reflect.Pointer || g.Type.Elem().Kind() != reflect.Struct {
		return incompatible("duckdb.Connector.ctxStore is %s, want a pointer to a struct", g.Type)
	}
	st := g.Type.Elem()
	if st.Name() != "contextStore" || st.NumField() != 1 || st.Field(0).Name != "m" ||
		st.Field(0).Type != reflect.TypeOf(sync.Map{}) || st.Size() != unsafe.Sizeof(ctxStoreMirror{}) {
		return incompatible("duckdb.Connector.ctxStore points to %s, want struct{ m sync.Map }", st)
	}
	ctxFieldOff = g.Offset
	return nil
}

// rawConn returns the C connection behind c. checkLayout must have succeeded.
func rawConn(c *duckdb.Conn) mapping.Connection {
	return *(*mapping.Connection)(unsafe.Add(unsafe.Pointer(c), connFieldOff))
}

// contextOf returns the context of the statement duckdb-go is running on
// connection id of c, if there is one.
func contextOf(c *duckdb.Connector, id uint64) (context.Context, bool) {
	store := *(**ctxStoreMirror)(unsafe.Add(unsafe.Pointer(c), ctxFieldOff))
	if store == nil {
		return nil, false
	}
	v, ok := store.m.Load(id)
	if !ok {
		return nil, false
	}
	ctx, ok := v.(context.Context)
	return ctx, ok
}

// CheckCompatible reports whether the duckdb-go in this build has the layout
// the accessor relies on.
func CheckCompatible() error { return checkLayout() }
