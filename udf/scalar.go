//go:build duckdb_arrow

package udf

/*
#include <stdlib.h>
void ds_scalar_bind(void *);
void ds_scalar_func(void *, void *, void *);
void *ds_scalar_copy(void *);
void ds_delete(void *);
typedef void (*ds_scalar_bind_t)(void *);
typedef void (*ds_scalar_func_t)(void *, void *, void *);
typedef void *(*ds_scalar_copy_t)(void *);
typedef void (*ds_scalar_delete_t)(void *);
*/
import "C"

import (
	"context"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/duckdb/duckdb-go/v2/arrowmapping"
	"github.com/duckdb/duckdb-go/v2/mapping"

	"github.com/ducksight/ducksight/dserr"
)

// ScalarFunc describes a vectorised scalar function of the form
// f(constant, ..., row): every argument but the last must be a constant
// (folded once, at bind), and the last is a row, a STRUCT (a table alias
// such as c in `FROM customers c`, struct_pack(...), or {'k': v, ...}).
// DuckDB calls it from its own parallel pipeline, a chunk of rows at a
// time; the row's fields reach Eval as an Arrow record batch made straight
// from the STRUCT's child vectors (numbers zero-copy, as for data queries).
type ScalarFunc struct {
	Name    string
	Args    []Param // the constant arguments, then the row
	Returns Type    // DOUBLE or VARCHAR
	// Optional is how many of the constant arguments just before the row
	// may be left out: f(a, b, row) with Optional 1 is also f(a, row).
	// Left-out arguments reach Bind as nil.
	Optional int
	// Bind is called once per statement (per call site) while DuckDB plans
	// it; the ScalarBound it returns serves every chunk of every execution
	// of that statement.
	Bind func(b *ScalarBindContext) (ScalarBound, error)
}

// ScalarBindContext is what ScalarFunc.Bind gets.
type ScalarBindContext struct {
	Ctx  context.Context
	Host *Host
	// Func is the function being bound (see BindContext.Func).
	Func       *ScalarFunc
	ConnID     uint64
	SearchPath string
	// Args holds the constant arguments (all but the row), as in
	// BindContext.Args; ArgTypes their SQL types.
	Args     []any
	ArgTypes []string
	// Row is the Arrow schema of the row STRUCT's fields.
	Row *arrow.Schema
	// RowTypes are the fields' SQL types.
	RowTypes []string
}

// ScalarBound is a bound call site. Eval may be called from several DuckDB
// threads at once; it writes one result per row of rows into out. Rows
// whose STRUCT is NULL are set NULL by the bridge afterwards. Close is
// called when DuckDB drops the statement.
type ScalarBound interface {
	Eval(rows arrow.RecordBatch, out *ScalarOutput) error
	Close() error
}

// ScalarOutput is the result vector of one chunk.
type ScalarOutput struct {
	vec mapping.Vector
	t   Type
	n   int
}

// Len is the number of rows in the chunk.
func (o *ScalarOutput) Len() int { return o.n }

// Float64s returns the values of a DOUBLE result.
func (o *ScalarOutput) Float64s() []float64 {
	if o.t.id != mapping.TypeDouble {
		panic("udf: Float64s on a " + o.t.String() + " result")
	}
	return vecSlice[float64](o.vec)[:o.n]
}

// Strings returns a writer for a VARCHAR result.
func (o *ScalarOutput) Strings() Strings {
	if o.t.id != mapping.TypeVarchar {
		panic("udf: Strings on a " + o.t.String() + " result")
	}
	return stringsOf(o.vec)
}

// Validity returns the result's writable validity mask, every row valid.
func (o *ScalarOutput) Validity() Validity {
	m := writableMask(o.vec)
	for i := range m {
		m[i] = ^uint64(0)
	}
	return m
}

func (f *ScalarFunc) register(conn mapping.Connection, h *Host) error {
	if f.Name == "" || f.Bind == nil || len(f.Args) == 0 || f.Optional < 0 || f.Optional > len(f.Args)-1 {
		return dserr.New(dserr.Internal, "ducksight", "", "scalar function without name, Bind or row argument")
	}
	set := mapping.CreateScalarFunctionSet(f.Name)
	defer mapping.DestroyScalarFunctionSet(&set)
	// ANY, as for table functions: Bind checks the types and its errors
	// name the argument.
	anyType := mapping.CreateLogicalType(mapping.TypeAny)
	defer mapping.DestroyLogicalType(&anyType)
	rt := f.Returns.create()
	defer mapping.DestroyLogicalType(&rt)
	for arity := len(f.Args) - f.Optional; arity <= len(f.Args); arity++ {
		sf := mapping.CreateScalarFunction()
		mapping.ScalarFunctionSetName(sf, f.Name)
		for i := 0; i < arity; i++ {
			mapping.ScalarFunctionAddParameter(sf, anyType)
		}
		mapping.ScalarFunctionSetReturnType(sf, rt)
		// NULL inputs reach the function (a NULL row gives a NULL result,
		// set by the bridge; a NULL model name is an error, not a NULL).
		mapping.ScalarFunctionSetSpecialHandling(sf)
		mapping.ScalarFunctionSetExtraInfo(sf, newHandle(&registeredScalar{fn: f, host: h}), unsafe.Pointer(C.ds_scalar_delete_t(C.ds_delete)))
		mapping.ScalarFunctionSetBind(sf, unsafe.Pointer(C.ds_scalar_bind_t(C.ds_scalar_bind)))
		mapping.ScalarFunctionSetFunction(sf, unsafe.Pointer(C.ds_scalar_func_t(C.ds_scalar_func)))
		st := mapping.AddScalarFunctionToSet(set, sf)
		mapping.DestroyScalarFunction(&sf)
		if st == mapping.StateError {
			return dserr.New(dserr.Internal, f.Name, "", "could not add an overload of scalar function %s", f.Name)
		}
	}
	if mapping.RegisterScalarFunctionSet(conn, set) == mapping.StateError {
		return dserr.New(dserr.Internal, f.Name, "", "could not register scalar function %s (is a function of that name registered already?)", f.Name)
	}
	return nil
}

type registeredScalar struct {
	fn   *ScalarFunc
	host *Host
}

// scalarState is one bound call site, shared by the copies DuckDB makes of
// its bind data (it copies expressions while optimising): each copy holds a
// scalarRef, and the last one released closes it.
type scalarState struct {
	fn    *ScalarFunc
	bound ScalarBound
	conv  *converter
	lts   []mapping.LogicalType
	opts  arrowmapping.ArrowOptions
	// dropOpts destroys opts and lets go of the connection they point into.
	dropOpts func()
	refs     atomic.Int64

	mu   sync.Mutex
	subs []mapping.DataChunk // free sub-chunks for the converter
}

type scalarRef struct{ st *scalarState }

func (s *scalarState) release() {
	if s.refs.Add(-1) != 0 {
		return
	}
	_ = s.bound.Close()
	for i := range s.subs {
		mapping.DestroyDataChunk(&s.subs[i])
	}
	for i := range s.lts {
		mapping.DestroyLogicalType(&s.lts[i])
	}
	if s.dropOpts != nil {
		s.dropOpts()
	}
}

func (s *scalarState) getSub() mapping.DataChunk {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n := len(s.subs); n > 0 {
		c := s.subs[n-1]
		s.subs = s.subs[:n-1]
		return c
	}
	return s.conv.newSub()
}

func (s *scalarState) putSub(c mapping.DataChunk) {
	if c.Ptr == nil {
		return
	}
	s.mu.Lock()
	s.subs = append(s.subs, c)
	s.mu.Unlock()
}

//export ds_scalar_bind
func ds_scalar_bind(infoPtr unsafe.Pointer) {
	info := mapping.BindInfo{Ptr: infoPtr}
	reg := handleValue(mapping.ScalarFunctionBindGetExtraInfo(info)).(*registeredScalar)
	fn := reg.fn
	st := &scalarState{fn: fn}
	st.refs.Store(1)
	ok := false
	defer func() {
		if r := recover(); r != nil {
			mapping.ScalarFunctionBindSetError(info, panicError(fn.Name, r).Error())
		}
		if !ok {
			if st.bound == nil {
				st.bound = nopScalar{}
			}
			st.release()
		}
	}()
	fail := func(err error) {
		mapping.ScalarFunctionBindSetError(info, dserr.Wrap(dserr.Internal, fn.Name, "", err).Error())
	}

	var cc mapping.ClientContext
	mapping.ScalarFunctionGetClientContext(info, &cc)
	defer mapping.DestroyClientContext(&cc)
	connID := uint64(mapping.ClientContextGetConnectionId(cc))
	searchPath, _ := setting(cc, "search_path")

	// The overload DuckDB chose: the given constants, then the row.
	given := int(mapping.ScalarFunctionBindGetArgumentCount(info))
	b := &ScalarBindContext{
		Ctx: reg.host.contextOf(connID), Host: reg.host, Func: fn, ConnID: connID, SearchPath: searchPath,
		Args: make([]any, len(fn.Args)-1), ArgTypes: make([]string, len(fn.Args)-1),
	}
	for i, p := range fn.Args[:given-1] {
		expr := mapping.ScalarFunctionBindGetArgument(info, mapping.IdxT(i))
		lt := mapping.ExpressionReturnType(expr)
		b.ArgTypes[i] = TypeName(lt)
		mapping.DestroyLogicalType(&lt)
		if !mapping.ExpressionIsFoldable(expr) {
			mapping.DestroyExpression(&expr)
			fail(dserr.Arg(fn.Name, p.Name, "must be a constant (a literal or a prepared-statement parameter), not a column or an expression over columns"))
			return
		}
		var v mapping.Value
		ed := mapping.ExpressionFold(cc, expr, &v)
		mapping.DestroyExpression(&expr)
		if err := errorData(ed); err != nil {
			mapping.DestroyValue(&v)
			fail(dserr.Arg(fn.Name, p.Name, "%v", err))
			return
		}
		x, err := valueToGo(v)
		mapping.DestroyValue(&v)
		if err != nil {
			fail(dserr.Arg(fn.Name, p.Name, "%v", err))
			return
		}
		b.Args[i] = x
	}

	row := fn.Args[len(fn.Args)-1]
	expr := mapping.ScalarFunctionBindGetArgument(info, mapping.IdxT(given-1))
	lt := mapping.ExpressionReturnType(expr)
	mapping.DestroyExpression(&expr)
	if mapping.GetTypeId(lt) != mapping.TypeStruct {
		name := TypeName(lt)
		mapping.DestroyLogicalType(&lt)
		fail(dserr.Arg(fn.Name, row.Name, "must be a row STRUCT (a table alias such as c in FROM customers c, or {'age': 41, ...}), got %s", name))
		return
	}
	n := int(mapping.StructTypeChildCount(lt))
	names := make([]string, n)
	st.lts = make([]mapping.LogicalType, n)
	b.RowTypes = make([]string, n)
	for i := 0; i < n; i++ {
		names[i] = mapping.StructTypeChildName(lt, mapping.IdxT(i))
		st.lts[i] = mapping.StructTypeChildType(lt, mapping.IdxT(i))
		b.RowTypes[i] = TypeName(st.lts[i])
	}
	mapping.DestroyLogicalType(&lt)
	// Arrow options from the host's options connection, so that rows reach
	// the kernel typed exactly as a data query's batches do. The options
	// point into that connection's client context: the connection stays
	// open until this call site's last copy is released (st.release).
	var err error
	if st.opts, st.dropOpts, err = reg.host.arrowOptions(b.Ctx); err != nil {
		fail(err)
		return
	}
	if st.conv, err = newConverter(fn.Name, row.Name, st.opts, st.lts, names); err != nil {
		fail(err)
		return
	}
	b.Row = st.conv.schema

	if st.bound, err = fn.Bind(b); err != nil {
		fail(err)
		return
	}
	ok = true
	mapping.ScalarFunctionSetBindData(info, newHandle(&scalarRef{st}), unsafe.Pointer(C.ds_scalar_delete_t(C.ds_delete)))
	mapping.ScalarFunctionSetBindDataCopy(info, unsafe.Pointer(C.ds_scalar_copy_t(C.ds_scalar_copy)))
}

//export ds_scalar_copy
func ds_scalar_copy(p unsafe.Pointer) unsafe.Pointer {
	ref := handleValue(p).(*scalarRef)
	ref.st.refs.Add(1)
	return newHandle(&scalarRef{ref.st})
}

//export ds_scalar_func
func ds_scalar_func(infoPtr, inPtr, outPtr unsafe.Pointer) {
	info := mapping.FunctionInfo{Ptr: infoPtr}
	st := handleValue(mapping.ScalarFunctionGetBindData(info)).(*scalarRef).st
	fn := st.fn
	defer func() {
		if r := recover(); r != nil {
			mapping.ScalarFunctionSetError(info, panicError(fn.Name, r).Error())
		}
	}()
	in := mapping.DataChunk{Ptr: inPtr}
	n := int(mapping.DataChunkGetSize(in))
	out := &ScalarOutput{vec: mapping.Vector{Ptr: outPtr}, t: fn.Returns, n: n}
	if n == 0 {
		return
	}
	// DuckDB flattens the input before calling: the STRUCT's children are
	// flat vectors of n rows. The row is the last argument.
	rowVec := mapping.DataChunkGetVector(in, mapping.DataChunkGetColumnCount(in)-1)
	sub := st.getSub()
	defer st.putSub(sub)
	// The input chunk is DuckDB's for this callback only, so nothing of it
	// is lent: numeric columns are copied into Go buffers (pooled), which
	// Eval may Retain beyond the call like any Arrow buffer.
	rec, err := st.conv.convert(func(i int) mapping.Vector {
		return mapping.StructVectorGetChild(rowVec, mapping.IdxT(i))
	}, sub, n, scratch, nil)
	if err != nil {
		mapping.ScalarFunctionSetError(info, err.Error())
		return
	}
	defer rec.Release()
	if err := st.bound.Eval(rec, out); err != nil {
		mapping.ScalarFunctionSetError(info, dserr.Wrap(dserr.Internal, fn.Name, "", err).Error())
		return
	}
	if valid := mapping.VectorGetValidity(rowVec); valid != nil {
		rows := unsafe.Slice((*uint64)(valid), (n+63)/64)
		nulls := writableMask(out.vec)
		for w, bits := range rows {
			nulls[w] &= bits
		}
	}
}

type nopScalar struct{}

func (nopScalar) Eval(arrow.RecordBatch, *ScalarOutput) error { return nil }
func (nopScalar) Close() error                                { return nil }
