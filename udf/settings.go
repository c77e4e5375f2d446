//go:build duckdb_arrow

package udf

/*
#include <stdlib.h>
// From duckdb.h (stable since DuckDB 1.5.6); resolved against the static
// library duckdb-go-bindings links. Declared here because the bindings do
// not wrap it; the handle types are pointers, passed as void*.
void *duckdb_client_context_get_config_option(void *context, const char *name, int *out_scope);
*/
import "C"

import (
	"context"
	"unsafe"

	"github.com/duckdb/duckdb-go/v2/mapping"
)

// setting returns the current value of a DuckDB setting in a client
// context as text, and whether it exists.
func setting(cc mapping.ClientContext, name string) (string, bool) {
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	var scope C.int
	p := C.duckdb_client_context_get_config_option(cc.Ptr, cname, &scope)
	if p == nil {
		return "", false
	}
	v := mapping.Value{Ptr: p}
	defer mapping.DestroyValue(&v)
	if mapping.IsNullValue(v) {
		return "", true
	}
	return mapping.GetVarchar(v), true
}

// GlobalSetting returns the current value of a DuckDB setting of GLOBAL
// scope (one value for the whole database instance, such as
// enable_external_access) as text, and whether it exists. It reads it
// through the same config-option call as bind reads search_path, on a
// connection of the host's own: for a GLOBAL setting every connection sees
// the caller's value, and Go calls that have no bind context can use it
// too. A setting a session may override (search_path) must be read from
// that session instead (BindContext.SearchPath).
func (h *Host) GlobalSetting(ctx context.Context, name string) (string, bool, error) {
	n, err := h.connect(ctx)
	if err != nil {
		return "", false, err
	}
	defer n.close()
	var cc mapping.ClientContext
	mapping.ConnectionGetClientContext(n.raw, &cc)
	defer mapping.DestroyClientContext(&cc)
	v, ok := setting(cc, name)
	return v, ok, nil
}
