//go:build duckdb_arrow

package sqlfuncs

import (
	"testing"
)

// TestExplainReasonsType: the documented type of reasons is the spelling
// of the type the function declares.
func TestExplainReasonsType(t *testing.T) {
	found := false
	for _, c := range explainFn.Columns {
		if c.Name == "reasons" {
			found = true
			if c.Type != reasonsType.String() {
				t.Errorf("reasons column documented as %q, declared %q", c.Type, reasonsType.String())
			}
		}
	}
	if !found {
		t.Error("no reasons column documented")
	}
}
