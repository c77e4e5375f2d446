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
