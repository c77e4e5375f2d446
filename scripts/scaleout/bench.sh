#!/usr/bin/env bash
# Seconds per L-BFGS iteration of train_perceptron(..., engine := ...) on
# ROWS demo customers (default 1M) in the scale-out test servers'
# ClickHouse (18.16): two shards against one, exact sums against float
# sums (exact := false), with engine := 'duckdb' and local training on the
# same rows as references. First one whole training of each (to
# convergence); then REPEATS rounds (default 3) of trainings capped at 10
# iterations, the configurations alternating within each round so that
# the machine's load falls on all alike. Prints per training: iterations,
# aggregate queries, wall seconds, the median seconds of an iteration (one
# L-BFGS iteration: its loss+gradient queries) and the fit pass (the
# seconds before the first iteration); then the median over the rounds.
# WHOLE=0 leaves out the whole trainings (for 10M rows, where each takes
# minutes).
#
#   bash .ci/servers start /tmp/dss && . /tmp/dss/env
#   go build -tags duckdb_arrow ./cmd/ducksight && bash scripts/scaleout/bench.sh [ROWS [REPEATS]]
#
# The data is loaded once per run of the script (a database ducksight_bench
# on the servers, dropped at the end). Timings include the client's share
# of the machine: the servers and ducksight run on the same cores.
set -euo pipefail
rows=${1:-1000000}
repeats=${2:-3}
bin=${DUCKSIGHT:-./ducksight}
: "${DUCKSIGHT_TEST_CLICKHOUSE:?start the servers: bash .ci/servers start DIR && . DIR/env}"
IFS=, read -r ch1 ch2 <<<"$DUCKSIGHT_TEST_CLICKHOUSE"
chc() { # server host:port, then clickhouse-client arguments
  local a=$1; shift
  clickhouse-client --host "${a%:*}" --port "${a##*:}" "$@"
}
work=$(mktemp -d)
db=$work/bench.db
trap 'chc "$ch1" -q "DROP DATABASE IF EXISTS ducksight_bench" || true; chc "$ch2" -q "DROP DATABASE IF EXISTS ducksight_bench" || true; rm -rf "$work"' EXIT

# The rows, in DuckDB and as TabSeparated for ClickHouse (booleans as 0/1,
# NULL as \N).
"$bin" "$db" -c "CREATE TABLE t AS SELECT * EXCLUDE (churned, email_opt_in, purchased_next_30d), churned::UTINYINT AS churned,
  email_opt_in::UTINYINT AS email_opt_in, purchased_next_30d::UTINYINT AS purchased_next_30d FROM demo_customers($rows)" >/dev/null
"$bin" "$db" -c "COPY t TO '$work/t.tsv' (FORMAT csv, DELIMITER '\t', HEADER false, NULLSTR '\N', QUOTE '')" >/dev/null
cols=$("$bin" "$db" -csv -header=false -c "SELECT string_agg('\`' || column_name || '\` ' ||
  CASE WHEN column_name = 'customer_id' THEN 'Int64' ELSE 'Nullable(' || CASE data_type WHEN 'BIGINT' THEN 'Int64' WHEN 'INTEGER' THEN 'Int32'
  WHEN 'DOUBLE' THEN 'Float64' WHEN 'VARCHAR' THEN 'String' WHEN 'UTINYINT' THEN 'UInt8' END || ')' END, ', ' ORDER BY ordinal_position)
  FROM information_schema.columns WHERE table_name = 't'")
cols=${cols//\"/}
for a in "$ch1" "$ch2"; do
  chc "$a" --multiquery -q "DROP DATABASE IF EXISTS ducksight_bench; CREATE DATABASE ducksight_bench;
    CREATE TABLE ducksight_bench.t_local ($cols) ENGINE = MergeTree ORDER BY customer_id;
    CREATE TABLE ducksight_bench.t_whole ($cols) ENGINE = MergeTree ORDER BY customer_id;
    CREATE TABLE ducksight_bench.t AS ducksight_bench.t_local ENGINE = Distributed(ducksight_2shards, ducksight_bench, t_local);
    CREATE TABLE ducksight_bench.t_1shard AS ducksight_bench.t_whole ENGINE = Distributed(ducksight_1shard, ducksight_bench, t_whole)"
done
chc "$ch1" -q "INSERT INTO ducksight_bench.t_whole FORMAT TabSeparated" <"$work/t.tsv"
chc "$ch1" -q "INSERT INTO ducksight_bench.t_local SELECT * FROM ducksight_bench.t_whole WHERE cityHash64(customer_id) % 2 = 0"
chc "$ch2" -q "INSERT INTO ducksight_bench.t_local SELECT * FROM remote('$ch1', ducksight_bench, t_whole) WHERE cityHash64(customer_id) % 2 = 1"
n1=$(chc "$ch1" -q "SELECT count() FROM ducksight_bench.t_local"); n2=$(chc "$ch2" -q "SELECT count() FROM ducksight_bench.t_local")
[ $((n1 + n2)) = "$rows" ] || { echo "bench: the shards hold $n1 + $n2 rows, not $rows" >&2; exit 1; }

base="label := 'churned', exclude := ['customer_id', 'purchased_next_30d', 'spend_next_90d', 'true_segment']"
valid="validation := 'customer_id % 10 = 0'"
engine="clickhouse://$ch1/ducksight_bench"
run() { # name, data, arguments after label and exclude
  "$bin" "$db" -csv -header=false <<SQL
CREATE TEMP TABLE r AS SELECT * FROM train_perceptron('$1', '$2', $base, $3);
SELECT printf('%-18s %4d iterations %5s queries %7.2f s  %6.3f s/iteration  fit pass %5.2f s',
    '$1', r.epochs_run, coalesce(regexp_extract(r.notes, '(\d+) aggregate queries', 1), '-'), r.seconds,
    list_median(CAST(m.metrics->'epoch_seconds' AS DOUBLE[])), r.seconds - list_sum(CAST(m.metrics->'epoch_seconds' AS DOUBLE[])))
FROM r, ducksight.models m WHERE m.name = '$1' AND m.version = r.version;
SQL
}
configs=(
  "ch_2shards_exact|t|engine := '$engine', $valid"
  "ch_1shard_exact|t_1shard|engine := '$engine', $valid"
  "ch_2shards_float|t|engine := '$engine', $valid, exact := false"
  "ch_1shard_float|t_1shard|engine := '$engine', $valid, exact := false"
  "duckdb_exact|t|engine := 'duckdb', $valid"
  "duckdb_float|t|engine := 'duckdb', $valid, exact := false"
  "local_lbfgs|t|solver := 'lbfgs'"
)
echo "$rows rows, $(nproc) cores; ClickHouse $(chc "$ch1" -q 'SELECT version()'), shards hold $n1 and $n2 rows"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "${WHOLE:-1}" != 0 ]; then
  echo "-- whole trainings"
  for c in "${configs[@]}"; do IFS='|' read -r name data extra <<<"$c"; run "$name" "$data" "$extra"; done
fi
echo "-- $repeats rounds of 10 iterations, alternating (median s/iteration per round)"
for i in $(seq "$repeats"); do
  for c in "${configs[@]}"; do IFS='|' read -r name data extra <<<"$c"; run "$name" "$data" "$extra, epochs := 10"; done
done | tee "$work/rounds.txt"
echo "-- medians over the rounds"
awk '{for (i = 1; i <= NF; i++) if ($i == "s/iteration") print $1, $(i-1)}' "$work/rounds.txt" |
  sort -k1,1 -k2,2g | awk '{v[$1] = v[$1] " " $2; n[$1]++} END {for (k in v) {split(substr(v[k], 2), a, " "); print k, a[int((n[k] + 1) / 2)], "s/iteration"}}' | sort
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
