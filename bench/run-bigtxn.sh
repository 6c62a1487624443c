#!/usr/bin/env bash
# One large transaction while the change stream runs (issue 21): a single
# `UPDATE pgbench_accounts SET abalance = abalance + 1 WHERE aid <= ROWS` on the source, then a
# marker row; timed from the statement's start until the marker is on the target (commit order:
# the whole update is there too). Native publication/subscription and pgferry, alternating, REPS
# times each, on durable servers; pgferry's peak RSS from /usr/bin/time -v. Writes a Markdown table
# to bench/results/.
# Usage: bench/run-bigtxn.sh [--rows N] [--scale N] [--reps N] [--note TEXT] [--only native,pgferry,pgferry_sync]
# pgferry_sync: pgferry with PGFERRY_APPLY_SYNC=1 (no low-latency apply: the transaction is applied
# only once it is whole and durable in the spool), to show what that apply is worth.
#
# Its own database (BENCH_DB, default bigtxn): pgbench -i -s SCALE (default 10: 1,000,000 accounts)
# plus a marker table, created on the first run and reused.
export BENCH_DB="${BENCH_DB:-bigtxn}"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROWS=1000000
SCALE=10
REPS=3
NOTE=""
ONLY=""
TABLES="pgbench_accounts, pgbench_branches, pgbench_tellers, pgbench_history, bench_marker"

while [ $# -gt 0 ]; do
  case "$1" in
    --rows) ROWS="$2"; shift 2 ;;
    --scale) SCALE="$2"; shift 2 ;;
    --reps) REPS="$2"; shift 2 ;;
    --note) NOTE="$2"; shift 2 ;;
    --only) ONLY="$2"; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
TOOLS=()
for t in native pgferry pgferry_sync; do
  if [ -z "$ONLY" ] || [[ ",$ONLY," == *",$t,"* ]]; then TOOLS+=("$t"); fi
done

clusters_up
mkdir -p "$BENCH_DIR/bigtxn" "$BENCH_DIR/logs" "$RESULTS_DIR"
tgt_psql postgres -c "ALTER SYSTEM SET wal_retrieve_retry_interval = '100ms'" -c "SELECT pg_reload_conf()" >/dev/null

if [ "$(src_value postgres "SELECT count(*) FROM pg_database WHERE datname = '$BENCH_DB'")" = 0 ] ||
   [ "$(src_value "$BENCH_DB" "SELECT count(*) FROM pg_class WHERE relname = 'bench_marker'")" = 0 ]; then
  log "creating database $BENCH_DB on the source (pgbench scale $SCALE)"
  drop_database src "$BENCH_DB"
  src_psql postgres -c "CREATE DATABASE $BENCH_DB"
  pgbench -h 127.0.0.1 -p "$SOURCE_PORT" -i -s "$SCALE" -q "$BENCH_DB" 2>&1 | tail -1 >&2
  src_psql "$BENCH_DB" -c "CREATE TABLE bench_marker (id int PRIMARY KEY, at timestamptz NOT NULL DEFAULT clock_timestamp())" \
    -c "ALTER TABLE pgbench_history REPLICA IDENTITY FULL" -c "VACUUM ANALYZE"
fi
ACCOUNTS="$(src_value "$BENCH_DB" "SELECT count(*) FROM pgbench_accounts")"
[ "$ACCOUNTS" -ge "$ROWS" ] || die "pgbench_accounts has $ACCOUNTS rows, fewer than --rows $ROWS: drop database $BENCH_DB or pass --scale"
MARK=$(( $(src_value "$BENCH_DB" "SELECT coalesce(max(id), 0) FROM bench_marker") + 1 ))

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

# mark: inserts the next marker row on the source and waits (polling every 20 ms, a new transaction
# per poll) until the target has it. Sets MARKED_AT.
mark() {
  local id=$MARK
  MARK=$((MARK + 1))
  src_psql "$BENCH_DB" -c "INSERT INTO bench_marker (id) VALUES ($id)"
  tgt_psql "$BENCH_DB" -c "DO \$\$ BEGIN
      LOOP
        EXIT WHEN EXISTS (SELECT FROM public.bench_marker WHERE id = $id);
        PERFORM pg_sleep(0.02);
        COMMIT;
      END LOOP;
    END \$\$"
  MARKED_AT="$(now)"
}

# The timed part, the same for both tools: vacuum (untimed), then the statement and the marker.
declare -A TIMES TAILS STMTS RSS
timed_update() {
  local tool="$1" rep="$2" start stmt_end
  src_psql "$BENCH_DB" -c "VACUUM (ANALYZE) pgbench_accounts"
  tgt_psql "$BENCH_DB" -c "VACUUM (ANALYZE) pgbench_accounts"
  start="$(now)"
  src_psql "$BENCH_DB" -c "UPDATE pgbench_accounts SET abalance = abalance + 1 WHERE aid <= $ROWS"
  stmt_end="$(now)"
  mark
  TIMES[$tool]+="$(elapsed "$start" "$MARKED_AT") "
  TAILS[$tool]+="$(elapsed "$stmt_end" "$MARKED_AT") "
  STMTS[$tool]+="$(elapsed "$start" "$stmt_end") "
  log "$tool run $rep: $ROWS rows updated in $(elapsed "$start" "$stmt_end") s, on the target $(elapsed "$start" "$MARKED_AT") s after the statement started"
  # Same data on both sides afterwards (a cheap whole-table check, untimed).
  local a b
  a="$(src_value "$BENCH_DB" "SELECT sum(abalance)::text || '/' || count(*) FROM pgbench_accounts")"
  b="$(tgt_value "$BENCH_DB" "SELECT sum(abalance)::text || '/' || count(*) FROM pgbench_accounts")"
  [ "$a" = "$b" ] || log "WARNING: $tool run $rep: the target's pgbench_accounts ($b) differs from the source's ($a)"
}

run_native() {
  local rep="$1"
  src_psql "$BENCH_DB" -c "DROP PUBLICATION IF EXISTS bench_pub" -c "CREATE PUBLICATION bench_pub FOR TABLE $TABLES"
  reset_target_db create
  pg_dump -Fc -t 'public.pgbench_*' -t public.bench_marker -h 127.0.0.1 -p "$SOURCE_PORT" "$BENCH_DB" \
    | pg_restore -h 127.0.0.1 -p "$TARGET_PORT" -d "$BENCH_DB"
  tgt_psql "$BENCH_DB" -c "CREATE SUBSCRIPTION bench_sub CONNECTION 'host=127.0.0.1 port=$SOURCE_PORT dbname=$BENCH_DB user=postgres'
                           PUBLICATION bench_pub WITH (copy_data = false)"
  mark # streaming
  timed_update native "$rep"
  tgt_psql "$BENCH_DB" -c "DROP SUBSCRIPTION bench_sub"
  src_psql "$BENCH_DB" -c "DROP PUBLICATION bench_pub"
}

PGFERRY_NOTE=""
run_pgferry_sync() {
  export PGFERRY_APPLY_SYNC=1 TOOL=pgferry_sync
  run_pgferry "$1"
  unset PGFERRY_APPLY_SYNC TOOL
}
run_pgferry() {
  local rep="$1" tool="${TOOL:-pgferry}"
  [ -z "$PGFERRY_NOTE" ] || return 0
  [ -x "$PGFERRY_CLI" ] || { PGFERRY_NOTE="pgferry-cli not found at $PGFERRY_CLI"; return 0; }
  reset_target_db nocreate
  local project="$BENCH_DIR/bigtxn/$tool-$rep-$$.pgferry" log="$BENCH_DIR/logs/bigtxn-$tool-$rep" pid
  rm -f "$project"
  if ! "$PGFERRY_CLI" project new -o "$project" --name "$tool-$rep-$$" --source "$SOURCE_ADMIN_URI" --target "$TARGET_ADMIN_URI" \
         --database "$BENCH_DB" --mode online --jobs 2 >"$log-project.log" 2>&1 ||
     ! "$PGFERRY_CLI" run "$project" --until ready --json >"$log-ready.log" 2>&1; then
    PGFERRY_NOTE="pgferry failed to reach streaming: see $log-*.log"; log "$PGFERRY_NOTE"; return 0
  fi
  /usr/bin/time -v -o "$log-run.time" "$PGFERRY_CLI" run "$project" --json >"$log-run.log" 2>&1 &
  pid=$!
  mark # streaming
  timed_update "$tool" "$rep"
  local tries=0
  until "$PGFERRY_CLI" cutover "$project" --yes >"$log-cutover.log" 2>&1; do
    tries=$((tries + 1)); [ $tries -lt 15 ] || break; sleep 2
  done
  local waited=0
  while kill -0 "$pid" 2>/dev/null && [ $waited -lt 100 ]; do sleep 0.2; waited=$((waited + 1)); done
  pkill -TERM -P "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  RSS[$tool]+="$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$log-run.time") "
  src_psql postgres -c "ALTER DATABASE $BENCH_DB RESET default_transaction_read_only"
  src_psql "$BENCH_DB" -At -c "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots
                               WHERE slot_name LIKE 'pgferry%' AND NOT active" >/dev/null
}

log "one transaction of $ROWS updated rows: $REPS runs of: ${TOOLS[*]}"
for rep in $(seq 1 "$REPS"); do
  n=${#TOOLS[@]}
  for i in $(seq 0 $((n - 1))); do
    tool="${TOOLS[$(((i + rep - 1) % n))]}"
    "run_$tool" "$rep"
  done
done

med() { local -n arr=$1; printf '%s\n' ${arr[$2]:-} | median; }
M_NATIVE="$(med TIMES native)"
out="$RESULTS_DIR/bigtxn-$ROWS-$(date +%Y%m%d-%H%M%S).md"
{
  echo "# One transaction updating $ROWS rows while streaming, median of $REPS"
  echo
  [ -z "$NOTE" ] || { echo "> $NOTE"; echo; }
  echo "- Date: $(date -u +'%Y-%m-%d %H:%M UTC')"
  machine_info
  echo "- Statement: \`UPDATE pgbench_accounts SET abalance = abalance + 1 WHERE aid <= $ROWS\` (one transaction), then a marker row"
  echo
  echo "| tool | on target, s from statement start (median) | runs | of which after the commit | statement s | × native | peak RSS MiB |"
  echo "|---|---:|---|---|---|---:|---:|"
  for tool in "${TOOLS[@]}"; do
    if [ -z "${TIMES[$tool]:-}" ]; then echo "| $tool | skipped | | | | | |"; continue; fi
    m="$(med TIMES "$tool")"
    peak="–"
    if [ -n "${RSS[$tool]:-}" ]; then peak=$(( $(printf '%s\n' ${RSS[$tool]} | sort -n | tail -1) / 1024 )); fi
    echo "| $tool | $m | $(echo ${TIMES[$tool]} | sed 's/ /, /g') | $(echo ${TAILS[$tool]} | sed 's/ /, /g') | $(echo ${STMTS[$tool]} | sed 's/ /, /g') | $(ratio "$m" "$M_NATIVE") | $peak |"
  done
  echo
  echo "native: publication + subscription (\`copy_data = false\`) on a \`pg_dump | pg_restore\` copy; its apply worker"
  echo "runs inside the target server (no client RSS). pgferry: \`pgferry-cli run\` streaming after \`run --until ready\`,"
  echo "under \`/usr/bin/time -v\` for its peak RSS (the whole run: load excluded, streaming and cutover)."
  echo "Targets (issue 21): ≤ 1.0 × native, peak RSS < 256 MiB."
  [ -z "$PGFERRY_NOTE" ] || { echo; echo "pgferry: $PGFERRY_NOTE"; }
} > "$out"
log "results: $out"
cat "$out"
