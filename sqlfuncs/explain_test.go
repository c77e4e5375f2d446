//go:build duckdb_arrow

package sqlfuncs

import (
	"testing"
)

// TestExplainReasonsType: the documented type of reasons is the spelling
// of the type the function declares.
func TestExplainReasonsType(t *testing.T) {
	last := explainFn.Columns[len(explainFn.Columns)-1]
	if last.Name != "reasons" || last.Type != reasonsType.String() {
		t.Errorf("reasons column documented as %s %q, declared %q", last.Name, last.Type, reasonsType.String())
	}
}
