//go:build duckdb_arrow

package udf

/*
#include <stdlib.h>
void ds_bind(void *);
void ds_init(void *);
void ds_func(void *, void *);
void ds_delete(void *);
typedef void (*ds_bind_t)(void *);
typedef void (*ds_func_t)(void *, void *);
typedef void (*ds_delete_t)(void *);
*/
import "C"

import (
	"context"
	"runtime/cgo"
	"runtime/debug"
	"unsafe"

	"github.com/duckdb/duckdb-go/v2/mapping"

	"github.com/ducksight/ducksight/dserr"
)

// Callbacks from DuckDB. Each state handed to DuckDB is a cgo.Handle stored
// in C memory and freed by ds_delete. Every callback recovers panics into a
// SQL error: a panic escaping a C callback would kill the host process.

type registered struct {
	fn   *TableFunc
	host *Host
}

type bindState struct {
	reg    *registered
	bound  Bound
	cols   []Column
	connID uint64
}

type execState struct {
	bind *bindState
	exec Execution
	ctx  context.Context
	proj []int // result column -> output vector index, -1 when not projected
	nvec int
	done bool
}

func newHandle(v any) unsafe.Pointer {
	p := C.malloc(C.size_t(unsafe.Sizeof(cgo.Handle(0))))
	*(*cgo.Handle)(p) = cgo.NewHandle(v)
	return p
}

func handleValue(p unsafe.Pointer) any {
	return (*(*cgo.Handle)(p)).Value()
}

//export ds_delete
func ds_delete(p unsafe.Pointer) {
	defer func() { _ = recover() }()
	h := *(*cgo.Handle)(p)
	switch v := h.Value().(type) {
	case *bindState:
		if v.bound != nil {
			_ = v.bound.Close()
		}
	case *execState:
		if v.exec != nil {
			_ = v.exec.Close()
		}
	case *scalarRef:
		v.st.release()
	}
	h.Delete()
	C.free(p)
}

func (f *TableFunc) register(conn mapping.Connection, h *Host) error {
	if f.Name == "" || f.Bind == nil {
		return dserr.New(dserr.Internal, "ducksight", "", "table function without name or Bind")
	}
	tf := mapping.CreateTableFunction()
	defer mapping.DestroyTableFunction(&tf)
	mapping.TableFunctionSetName(tf, f.Name)
	// Parameters are declared ANY, so a value of the wrong type reaches
	// Bind, whose error names the function and the argument, instead of
	// failing in DuckDB's cast with no mention of either. Param.Type is the
	// documented type the argument helpers check against.
	anyType := mapping.CreateLogicalType(mapping.TypeAny)
	defer mapping.DestroyLogicalType(&anyType)
	for range f.Args {
		mapping.TableFunctionAddParameter(tf, anyType)
	}
	for _, p := range f.Named {
		mapping.TableFunctionAddNamedParameter(tf, p.Name, anyType)
	}
	mapping.TableFunctionSetExtraInfo(tf, newHandle(&registered{fn: f, host: h}), unsafe.Pointer(C.ds_delete_t(C.ds_delete)))
	mapping.TableFunctionSetBind(tf, unsafe.Pointer(C.ds_bind_t(C.ds_bind)))
	mapping.TableFunctionSetInit(tf, unsafe.Pointer(C.ds_bind_t(C.ds_init)))
	mapping.TableFunctionSetFunction(tf, unsafe.Pointer(C.ds_func_t(C.ds_func)))
	mapping.TableFunctionSupportsProjectionPushdown(tf, true)
	if mapping.RegisterTableFunction(conn, tf) == mapping.StateError {
		return dserr.New(dserr.Internal, f.Name, "", "could not register table function %s (is a function of that name registered already?)", f.Name)
	}
	return nil
}

// panicError turns a recovered panic into an error naming the function.
func panicError(fn string, r any) error {
	return dserr.New(dserr.Internal, fn, "", "internal error (please report): %v\n%s", r, debug.Stack())
}

//export ds_bind
func ds_bind(infoPtr unsafe.Pointer) {
	info := mapping.BindInfo{Ptr: infoPtr}
	reg := handleValue(mapping.BindGetExtraInfo(info)).(*registered)
	fn := reg.fn
	var bs *bindState
	defer func() {
		if r := recover(); r != nil {
			if bs != nil && bs.bound != nil {
				_ = bs.bound.Close()
			}
			mapping.BindSetError(info, panicError(fn.Name, r).Error())
		}
	}()

	var cc mapping.ClientContext
	mapping.TableFunctionGetClientContext(info, &cc)
	connID := uint64(mapping.ClientContextGetConnectionId(cc))
	searchPath, _ := setting(cc, "search_path")
	mapping.DestroyClientContext(&cc)

	if fn.Mutates && reg.host.IsNested(connID) {
		mapping.BindSetError(info, dserr.New(dserr.Refused, fn.Name, "",
			"refused inside a data query: %s changes state, and data queries are read-only", fn.Name).Error())
		return
	}

	b := &BindContext{
		Ctx:        reg.host.contextOf(connID),
		Host:       reg.host,
		Func:       fn,
		ConnID:     connID,
		SearchPath: searchPath,
		Args:       make([]any, len(fn.Args)),
		Named:      map[string]any{},
		ArgTypes:   make([]string, len(fn.Args)),
		NamedTypes: map[string]string{},
	}
	for i, p := range fn.Args {
		v := mapping.BindGetParameter(info, mapping.IdxT(i))
		b.ArgTypes[i] = valueTypeName(v)
		x, err := valueToGo(v)
		mapping.DestroyValue(&v)
		if err != nil {
			mapping.BindSetError(info, dserr.Arg(fn.Name, p.Name, "%v", err).Error())
			return
		}
		b.Args[i] = x
	}
	for _, p := range fn.Named {
		v := mapping.BindGetNamedParameter(info, p.Name)
		if v.Ptr == nil {
			continue
		}
		b.NamedTypes[p.Name] = valueTypeName(v)
		x, err := valueToGo(v)
		mapping.DestroyValue(&v)
		if err != nil {
			mapping.BindSetError(info, dserr.Arg(fn.Name, p.Name, "%v", err).Error())
			return
		}
		b.Named[p.Name] = x
	}

	bound, err := fn.Bind(b)
	if err != nil {
		mapping.BindSetError(info, dserr.Wrap(dserr.Internal, fn.Name, "", err).Error())
		return
	}
	bs = &bindState{reg: reg, bound: bound, cols: bound.Columns(), connID: connID}
	if len(bs.cols) == 0 {
		panic("bound call with no result columns")
	}
	for _, c := range bs.cols {
		lt := c.Type.create()
		mapping.BindAddResultColumn(info, c.Name, lt)
		mapping.DestroyLogicalType(&lt)
	}
	if cz, ok := bound.(Cardinalizer); ok {
		n, exact := cz.Cardinality()
		mapping.BindSetCardinality(info, mapping.IdxT(n), exact)
	}
	mapping.BindSetBindData(info, newHandle(bs), unsafe.Pointer(C.ds_delete_t(C.ds_delete)))
}

//export ds_init
func ds_init(infoPtr unsafe.Pointer) {
	info := mapping.InitInfo{Ptr: infoPtr}
	bs := handleValue(mapping.InitGetBindData(info)).(*bindState)
	fn := bs.reg.fn
	defer func() {
		if r := recover(); r != nil {
			mapping.InitSetError(info, panicError(fn.Name, r).Error())
		}
	}()
	es := &execState{bind: bs, proj: make([]int, len(bs.cols))}
	for i := range es.proj {
		es.proj[i] = -1
	}
	n := int(mapping.InitGetColumnCount(info))
	for j := 0; j < n; j++ {
		src := uint64(mapping.InitGetColumnIndex(info, mapping.IdxT(j)))
		if src < uint64(len(es.proj)) {
			es.proj[src] = j
		}
	}
	es.nvec = n
	es.ctx = bs.reg.host.contextOf(bs.connID)
	exec, err := bs.bound.Start(es.ctx)
	if err != nil {
		mapping.InitSetError(info, dserr.Wrap(dserr.Internal, fn.Name, "", err).Error())
		return
	}
	es.exec = exec
	t := exec.Threads()
	if t < 1 {
		t = 1
	}
	mapping.InitSetMaxThreads(info, mapping.IdxT(t))
	mapping.InitSetInitData(info, newHandle(es), unsafe.Pointer(C.ds_delete_t(C.ds_delete)))
}

//export ds_func
func ds_func(infoPtr, outPtr unsafe.Pointer) {
	info := mapping.FunctionInfo{Ptr: infoPtr}
	es := handleValue(mapping.FunctionGetInitData(info)).(*execState)
	fn := es.bind.reg.fn
	chunk := mapping.DataChunk{Ptr: outPtr}
	defer func() {
		if r := recover(); r != nil {
			mapping.DataChunkSetSize(chunk, 0)
			mapping.FunctionSetError(info, panicError(fn.Name, r).Error())
		}
	}()
	if err := es.ctx.Err(); err != nil {
		mapping.DataChunkSetSize(chunk, 0)
		mapping.FunctionSetError(info, dserr.Cancel(fn.Name, "", err).Error())
		return
	}
	out := newOutput(chunk, es)
	if err := es.exec.Fill(es.ctx, out); err != nil {
		mapping.DataChunkSetSize(chunk, 0)
		if es.ctx.Err() != nil {
			err = dserr.Wrap(dserr.Cancelled, fn.Name, "", err)
		}
		mapping.FunctionSetError(info, dserr.Wrap(dserr.Internal, fn.Name, "", err).Error())
		return
	}
	out.finish()
	mapping.DataChunkSetSize(chunk, mapping.IdxT(out.n))
}
