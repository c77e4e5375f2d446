//go:build duckdb_arrow

package udf

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"github.com/duckdb/duckdb-go/v2"
)

// The bounded-memory check runs the stream in a child process (this test
// binary re-executed with DUCKSIGHT_STREAM_CHILD set; TestMain dispatches)
// so the peak RSS measured is the stream's alone.

const streamRows = 50_000_000

func TestMain(m *testing.M) {
	if os.Getenv("DUCKSIGHT_STREAM_CHILD") == "1" {
		os.Exit(streamChild())
	}
	os.Exit(m.Run())
}

func streamChild() int {
	c, err := duckdb.NewConnector("", nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	h, err := Attach(context.Background(), c)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	var cols []string
	for k := 1; k <= 8; k++ {
		cols = append(cols, fmt.Sprintf("(i %% %d)::DOUBLE AS c%d", k+1, k))
	}
	data := fmt.Sprintf("SELECT %s FROM range(%d) t(i)", strings.Join(cols, ", "), streamRows)
	q, err := h.Prepare(context.Background(), "child", "data", data)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	rows, _, sum, err := scanAll(context.Background(), q, nil)
	q.Close()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	fmt.Printf("%d %.0f\n", rows, sum)
	return 0
}

func TestStreamBoundedMemory(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "DUCKSIGHT_STREAM_CHILD=1")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("child: %v: %s", err, out)
	}
	var rows int64
	var sum float64
	if _, err := fmt.Sscan(string(out), &rows, &sum); err != nil {
		t.Fatalf("child output %q: %v", out, err)
	}
	// sum over k of sum_i (i mod (k+1)), exactly.
	want := 0.0
	for k := int64(1); k <= 8; k++ {
		m := k + 1
		full := streamRows / m
		rem := streamRows % m
		want += float64(full*(m*(m-1)/2) + rem*(rem-1)/2)
	}
	if rows != streamRows || sum != want {
		t.Fatalf("child streamed %d rows, sum %v; want %d, %v", rows, sum, streamRows, want)
	}
	rss := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss // KiB on Linux
	mb := float64(rss) / 1024
	t.Logf("streamed %d rows x 8 DOUBLE (%.1f GB of values); peak RSS %.0f MB", rows, float64(rows*8*8)/1e9, mb)
	if mb >= 500 {
		t.Fatalf("peak RSS %.0f MB, want < 500 MB", mb)
	}
}
