//go:build scaleout

package servertest

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
)

// The environment variables that .ci/servers writes to DIR/env.
const (
	// EnvClickHouse names the native-protocol addresses of the ClickHouse
	// servers, comma-separated, shard 1 first: 127.0.0.1:PORT1,127.0.0.1:PORT2.
	EnvClickHouse = "DUCKSIGHT_TEST_CLICKHOUSE"
	// EnvPostgres is the PostgreSQL connection URL:
	// postgres://ducksight@127.0.0.1:PORT/ducksight?sslmode=disable.
	EnvPostgres = "DUCKSIGHT_TEST_POSTGRES"
	// EnvServers is the directory of the servers' configs, data, logs and
	// PIDs (DIR/ch1, DIR/ch2, DIR/pg).
	EnvServers = "DUCKSIGHT_TEST_SERVERS"
)

// The clusters of testdata/clickhouse/config.xml.
const (
	// TwoShards has one shard per ClickHouse server, shard 1 first.
	TwoShards = "ducksight_2shards"
	// OneShard has the first ClickHouse server alone.
	OneShard = "ducksight_1shard"
)

// Servers are the test servers named by the environment.
type Servers struct {
	// ClickHouse holds the native-protocol address (host:port) of each
	// ClickHouse server; ClickHouse[0] is shard 1.
	ClickHouse []string
	// Postgres is the PostgreSQL connection URL.
	Postgres string
	// Dir is the directory .ci/servers started the servers in.
	Dir string
}

// Get returns the servers named by EnvClickHouse, EnvPostgres and
// EnvServers. It fails t, and never skips it, when one is missing or
// malformed.
func Get(t testing.TB) *Servers {
	t.Helper()
	var missing []string
	for _, k := range []string{EnvClickHouse, EnvPostgres, EnvServers} {
		if os.Getenv(k) == "" {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		t.Fatalf("servertest: %s not set: start the servers with `bash .ci/servers start DIR` and `. DIR/env` (README, scale-out tests)",
			strings.Join(missing, ", "))
	}
	s := &Servers{Postgres: os.Getenv(EnvPostgres), Dir: os.Getenv(EnvServers)}
	for _, a := range strings.Split(os.Getenv(EnvClickHouse), ",") {
		a = strings.TrimSpace(a)
		if _, p, err := splitHostPort(a); err != nil || p == 0 {
			t.Fatalf("servertest: %s: bad address %q", EnvClickHouse, a)
		}
		s.ClickHouse = append(s.ClickHouse, a)
	}
	if len(s.ClickHouse) != 2 {
		t.Fatalf("servertest: %s: want 2 addresses (one per shard), got %d", EnvClickHouse, len(s.ClickHouse))
	}
	if u, err := url.Parse(s.Postgres); err != nil || u.Scheme != "postgres" {
		t.Fatalf("servertest: %s: want a postgres:// URL, got %q", EnvPostgres, s.Postgres)
	}
	return s
}

func splitHostPort(a string) (string, int, error) {
	i := strings.LastIndexByte(a, ':')
	if i < 0 {
		return "", 0, fmt.Errorf("no port in %q", a)
	}
	p, err := strconv.Atoi(a[i+1:])
	return a[:i], p, err
}

// EngineURL is the engine := value that reaches shard's server (0-based)
// with database: clickhouse://host:port/database.
func (s *Servers) EngineURL(shard int, database string) string {
	return "clickhouse://" + s.ClickHouse[shard] + "/" + database
}

// Open connects to shard's ClickHouse server (0-based) as the default user
// and closes the connection when t ends.
func (s *Servers) Open(t testing.TB, shard int) driver.Conn {
	t.Helper()
	conn, err := s.open(shard)
	if err != nil {
		t.Fatalf("servertest: ClickHouse %s: %v", s.ClickHouse[shard], err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

func (s *Servers) open(shard int) (driver.Conn, error) {
	return clickhouse.Open(&clickhouse.Options{
		Addr:        []string{s.ClickHouse[shard]},
		DialTimeout: 5 * time.Second,
		ReadTimeout: 5 * time.Minute,
	})
}

// Ping reports whether shard's ClickHouse server answers SELECT 1.
func (s *Servers) Ping(shard int) error {
	conn, err := s.open(shard)
	if err != nil {
		return err
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var one uint8
	return conn.QueryRow(ctx, "SELECT 1").Scan(&one)
}

func (s *Servers) chDir(shard int) string {
	return filepath.Join(s.Dir, "ch"+strconv.Itoa(shard+1))
}

func (s *Servers) pid(shard int) (int, error) {
	b, err := os.ReadFile(filepath.Join(s.chDir(shard), "pid"))
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(strings.TrimSpace(string(b)))
}

func running(pid int) bool {
	if pid <= 0 {
		return false
	}
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	// A killed child of this process stays a zombie until reaped.
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	f := strings.Fields(string(b))
	return len(f) < 3 || f[2] != "Z"
}

// Kill stops shard's ClickHouse server with SIGKILL, as a crash would, and
// waits until it is gone. Restart brings it back.
func (s *Servers) Kill(t testing.TB, shard int) {
	t.Helper()
	pid, err := s.pid(shard)
	if err != nil {
		t.Fatalf("servertest: kill shard %d: %v", shard+1, err)
	}
	if !running(pid) {
		return
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatalf("servertest: kill shard %d (pid %d): %v", shard+1, pid, err)
	}
	for i := 0; i < 200 && running(pid); i++ {
		time.Sleep(50 * time.Millisecond)
	}
	if running(pid) {
		t.Fatalf("servertest: shard %d (pid %d) still runs after SIGKILL", shard+1, pid)
	}
}

// Restart starts shard's ClickHouse server again, from the config that
// .ci/servers wrote, when it does not answer (it was killed, or it crashed),
// and waits until it answers; a server that answers is left alone. The new
// PID replaces the old one in DIR/chN/pid, so .ci/servers stop stops it.
func (s *Servers) Restart(t testing.TB, shard int) {
	t.Helper()
	if s.Ping(shard) == nil {
		return
	}
	if pid, err := s.pid(shard); err == nil && running(pid) {
		// Alive but not answering: a hung server is replaced.
		s.Kill(t, shard)
	}
	if err := s.start(shard); err != nil {
		t.Fatalf("servertest: restart shard %d: %v", shard+1, err)
	}
}

func (s *Servers) start(shard int) error {
	d := s.chDir(shard)
	server, err := exec.LookPath("clickhouse-server")
	if err != nil {
		server = "/usr/sbin/clickhouse-server"
	}
	logf, err := os.OpenFile(filepath.Join(d, "log", "stdout.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer logf.Close()
	cmd := exec.Command(server, "--config-file="+filepath.Join(d, "config.xml"))
	cmd.Dir = d
	cmd.Stdout = logf
	cmd.Stderr = logf
	// Its own session: the server outlives this test process, and a
	// Ctrl-C meant for go test does not reach it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return err
	}
	pid := cmd.Process.Pid
	// Reap it if it exits while this process runs.
	go cmd.Wait()
	if err := os.WriteFile(filepath.Join(d, "pid"), []byte(strconv.Itoa(pid)+"\n"), 0o644); err != nil {
		return err
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		err := s.Ping(shard)
		if err == nil {
			return nil
		}
		if !running(pid) {
			return fmt.Errorf("clickhouse-server exited at start (logs in %s)", filepath.Join(d, "log"))
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("clickhouse-server does not answer after 60 s: %v", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// EnsureUp restarts every ClickHouse server that does not answer. Tests
// that may crash or kill a server call it first and in a t.Cleanup, so a
// server lost in one test does not fail the next.
func (s *Servers) EnsureUp(t testing.TB) {
	t.Helper()
	for i := range s.ClickHouse {
		s.Restart(t, i)
	}
}
