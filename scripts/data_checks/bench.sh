#!/usr/bin/env bash
# Whole-process timings of profile, drift and what_if on 1M demo customers,
# each against a baseline run alternately with it (A B A B ...): DuckDB's
# SUMMARIZE for profile and drift, predict for what_if. Prints each pair's
# median wall seconds and the median of the pairwise ratios A/B.
#
#   go build -tags duckdb_arrow ./cmd/ducksight && bash scripts/data_checks/bench.sh [RUNS]
set -euo pipefail
runs=${1:-5}
bin=${DUCKSIGHT:-./ducksight}
db=$(mktemp -d)/customers.db
trap 'rm -rf "$(dirname "$db")"' EXIT

"$bin" "$db" -c "CREATE TABLE t AS SELECT * FROM demo_customers(1000000)" >/dev/null
"$bin" "$db" -c "SELECT count(*) FROM train_perceptron('churn', \$\$SELECT * FROM t WHERE customer_id <= 100000\$\$,
  label := 'churned', exclude := ['customer_id', 'purchased_next_30d', 'spend_next_90d', 'true_segment'])" >/dev/null

wall() { # the wall seconds of one run of the SQL $1
  local t; t=$( { /usr/bin/time -f %e "$bin" -readonly "$db" -c "$1" >/dev/null; } 2>&1 | tail -1 ); echo "$t"
}
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

pair() { # name, SQL A, SQL B
  local as=() bs=() rs=()
  wall "$2" >/dev/null; wall "$3" >/dev/null # warm-up
  for _ in $(seq "$runs"); do
    local a b; a=$(wall "$2"); b=$(wall "$3")
    as+=("$a"); bs+=("$b"); rs+=("$(awk -v a="$a" -v b="$b" 'BEGIN {print a/b}')")
  done
  printf '%-30s A %6ss  B %6ss  A/B %s\n' "$1" \
    "$(printf '%s\n' "${as[@]}" | median)" "$(printf '%s\n' "${bs[@]}" | median)" "$(printf '%s\n' "${rs[@]}" | median)"
}

summarize="SELECT count(*) FROM (SUMMARIZE t)"
pair "profile / SUMMARIZE" "SELECT count(*) FROM profile('t')" "$summarize"
pair "profile(label) / SUMMARIZE" "SELECT count(*) FROM profile('t', label := 'churned')" "$summarize"
pair "drift / SUMMARIZE" "SELECT count(*) FROM drift('churn', 't')" "$summarize"
pair "what_if / predict" "SELECT count(change) FROM what_if('churn', 't', set := {'plan': 'premium'})" \
  "SELECT count(probability) FROM predict('churn', 't')"
