#!/usr/bin/env bash
# Change-capture drain benchmark (issue 9): a backlog of N pgbench transactions accumulates while
# the consumer is stopped; then it is started and timed until the target holds every transaction.
# Native publication/subscription and pgferry, alternating, REPS times each, on the data set that
# gen-data.sh made. Writes a Markdown table to bench/results/.
# Usage: bench/run-cdc-drain.sh [--transactions N] [--reps N] [--clients N] [--lag-seconds N] [--note TEXT] [--only native,pgferry,pgferry_sync]
# pgferry_sync: pgferry with PGFERRY_APPLY_SYNC=1 (its low-latency apply off), to show what it is worth.
#
# "Done" is measured the same way for both: the target's pgbench_branches balances equal the
# source's final ones and its pgbench_history (one row per pgbench transaction) reaches the source's
# row count, polled every 50 ms by one session on the target (see wait_for_history).
#
# Then, with the consumer caught up and still running, steady-state lag: `pgbench -R 1000` on the
# source for --lag-seconds (default 30; 0 skips it) after 5 s of warm-up, while one session on the
# target samples every 100 ms how old the newest applied pgbench_history row is (its mtime is the
# source transaction's start; both servers share this machine's clock): p50/p95/p99/max.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

TRANSACTIONS=100000
REPS=3
LAG_SECONDS=30
LAG_RATE=1000
CLIENTS=4
NOTE=""
ONLY=""
TABLES="pgbench_accounts, pgbench_branches, pgbench_tellers, pgbench_history"

while [ $# -gt 0 ]; do
  case "$1" in
    --transactions) TRANSACTIONS="$2"; shift 2 ;;
    --reps) REPS="$2"; shift 2 ;;
    --lag-seconds) LAG_SECONDS="$2"; shift 2 ;;
    --clients) CLIENTS="$2"; shift 2 ;;
    --note) NOTE="$2"; shift 2 ;;
    --only) ONLY="$2"; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
[ -f "$BENCH_DIR/scale" ] || die "no data set in $BENCH_DIR: run bench/gen-data.sh SCALE first"
SCALE="$(cat "$BENCH_DIR/scale")"
TOOLS=()
for t in native pgferry pgferry_sync; do
  if [ -z "$ONLY" ] || [[ ",$ONLY," == *",$t,"* ]]; then TOOLS+=("$t"); fi
done

clusters_up
mkdir -p "$BENCH_DIR/cdc" "$BENCH_DIR/logs" "$RESULTS_DIR"
# The logical replication launcher starts a subscription's worker at most once per
# wal_retrieve_retry_interval (5 s by default): without this, every run after the first would
# include up to 5 s of launcher wait that has nothing to do with draining.
tgt_psql postgres -c "ALTER SYSTEM SET wal_retrieve_retry_interval = '100ms'" -c "SELECT pg_reload_conf()" >/dev/null

# The backlog: N transactions of the built-in TPC-B-like script, spread over CLIENTS clients.
make_backlog() {
  local per=$(( (TRANSACTIONS + CLIENTS - 1) / CLIENTS ))
  pgbench -h 127.0.0.1 -p "$SOURCE_PORT" -n -c "$CLIENTS" -j 2 -t "$per" "$BENCH_DB" >"$BENCH_DIR/logs/cdc-pgbench.log" 2>&1 \
    || die "pgbench failed: see $BENCH_DIR/logs/cdc-pgbench.log"
  # Untimed, for both tools alike: vacuum what pgbench dirtied, on both servers, so that autovacuum
  # has no reason to start during the timed drain (a vacuum of the ever-growing pgbench_history,
  # millions of rows after a few runs, landing in one drain and not in another made the medians
  # swing by half). The consumer is stopped: nothing of the backlog is applied yet.
  src_psql "$BENCH_DB" -c "VACUUM (ANALYZE) public.pgbench_accounts, public.pgbench_branches, public.pgbench_tellers, public.pgbench_history"
  tgt_psql "$BENCH_DB" -c "VACUUM (ANALYZE) public.pgbench_accounts, public.pgbench_branches, public.pgbench_tellers, public.pgbench_history"
}

# Blocks until the target holds every transaction: its pgbench_branches balances equal the
# source's final ones (10 rows per scale unit, cheap to read every 50 ms), and then its
# pgbench_history has the source's row count (one row per transaction; counted only once the
# balances match, so that a count of a large table does not compete with the apply for CPU).
# One session, a new transaction per check (a DO loop without COMMIT holds its snapshot, and so
# keeps the target's dead row versions from being pruned: the apply slows down as HOT chains grow),
# no parallel workers.
wait_for_history() {
  local rows="$1" balances
  balances="$(src_value "$BENCH_DB" "SELECT string_agg(bbalance::text, ',' ORDER BY bid) FROM public.pgbench_branches")"
  tgt_psql "$BENCH_DB" -c "SET max_parallel_workers_per_gather = 0" -c "DO \$\$ BEGIN
      LOOP
        IF (SELECT string_agg(bbalance::text, ',' ORDER BY bid) FROM public.pgbench_branches) = '$balances' THEN
          EXIT WHEN (SELECT count(*) FROM public.pgbench_history) >= $rows;
        END IF;
        PERFORM pg_sleep(0.05);
        COMMIT; -- no snapshot held across polls: it would keep dead row versions from being pruned
      END LOOP;
    END \$\$"
}

# Steady-state lag of TOOL (its consumer running and caught up): pgbench -R LAG_RATE on the source,
# and on the target every 100 ms the age of the newest applied pgbench_history row (an index on
# mtime, on the target only, makes that a cheap lookup). Appends "p50 p95 p99 max samples tps" to LAG[TOOL].
measure_lag() {
  local tool="$1" rep="$2" secs="$LAG_SECONDS" pgb_pid out tps
  [ "$secs" -gt 0 ] || return 0
  tgt_psql "$BENCH_DB" -c "CREATE INDEX IF NOT EXISTS bench_history_mtime ON public.pgbench_history (mtime)"
  pgbench -h 127.0.0.1 -p "$SOURCE_PORT" -n -c "$CLIENTS" -j 2 -R "$LAG_RATE" -T $((secs + 7)) "$BENCH_DB" \
    >"$BENCH_DIR/logs/cdc-lag-$tool-$rep.log" 2>&1 &
  pgb_pid=$!
  sleep 5
  out="$(tgt_psql "$BENCH_DB" -At -F ' ' -c "CREATE TEMP TABLE lag_samples (s float8)" -c "DO \$\$
      DECLARE t0 timestamptz := clock_timestamp();
      BEGIN
        WHILE clock_timestamp() < t0 + interval '$secs seconds' LOOP
          INSERT INTO lag_samples
            SELECT extract(epoch FROM clock_timestamp()::timestamp - max(mtime)) FROM public.pgbench_history;
          COMMIT;
          PERFORM pg_sleep(0.1);
        END LOOP;
      END \$\$" -c "SELECT round(percentile_cont(0.5) WITHIN GROUP (ORDER BY s)::numeric, 3),
                             round(percentile_cont(0.95) WITHIN GROUP (ORDER BY s)::numeric, 3),
                             round(percentile_cont(0.99) WITHIN GROUP (ORDER BY s)::numeric, 3),
                             round(max(s)::numeric, 3), count(*) FROM lag_samples")"
  wait "$pgb_pid" || true
  tps="$(awk '/^tps = / { printf "%.0f", $3; exit }' "$BENCH_DIR/logs/cdc-lag-$tool-$rep.log")"
  LAG[$tool]+="$out ${tps:-?};"
  log "$tool run $rep: lag under pgbench -R $LAG_RATE (p50 p95 p99 max samples): $out, pgbench tps ${tps:-?}"
}

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

# pgbench_history has no key: an online migration (pgferry's check, and the assessment) requires a
# replica identity on every published table, as an administrator would set before migrating. It
# changes nothing for pgbench's insert-only history; both tools get the same table.
src_psql "$BENCH_DB" -c "ALTER TABLE pgbench_history REPLICA IDENTITY FULL" >/dev/null

declare -A TIMES RSS LAG
PGFERRY_NOTE=""
PGFERRY_SKIPPED=""

# ---------------------------------------------------------------------------------------------
# native: publication + subscription created disabled (its slot marks the start), backlog, enable.
# ---------------------------------------------------------------------------------------------
run_native() {
  local rep="$1"
  src_psql "$BENCH_DB" -c "DROP PUBLICATION IF EXISTS bench_pub" -c "CREATE PUBLICATION bench_pub FOR TABLE $TABLES"
  reset_target_db create
  # The starting data, copied while the source is quiet; the slot is created right after, at a
  # point where nothing has changed since the copy.
  pg_dump -Fc -t 'public.pgbench_*' -h 127.0.0.1 -p "$SOURCE_PORT" "$BENCH_DB" \
    | pg_restore -h 127.0.0.1 -p "$TARGET_PORT" -d "$BENCH_DB"
  tgt_psql "$BENCH_DB" -c "CREATE SUBSCRIPTION bench_sub CONNECTION 'host=127.0.0.1 port=$SOURCE_PORT dbname=$BENCH_DB user=postgres'
                           PUBLICATION bench_pub WITH (copy_data = false, enabled = false)"
  make_backlog
  local want start end
  want="$(src_value "$BENCH_DB" "SELECT count(*) FROM public.pgbench_history")"
  start="$(now)"
  tgt_psql "$BENCH_DB" -c "ALTER SUBSCRIPTION bench_sub ENABLE"
  wait_for_history "$want"
  end="$(now)"
  TIMES[native]+="$(elapsed "$start" "$end") "
  log "native run $rep: drained $TRANSACTIONS transactions in $(elapsed "$start" "$end")s"
  measure_lag native "$rep"
  tgt_psql "$BENCH_DB" -c "DROP SUBSCRIPTION bench_sub"
  src_psql "$BENCH_DB" -c "DROP PUBLICATION bench_pub"
}

# ---------------------------------------------------------------------------------------------
# pgferry: HOOK for the change-capture engine (issue 6). Until it lands, the first failing step
# skips pgferry with a note in the results. The steps, which must stay the same for the native
# comparison: an online project; `run --until ready` (full load, slot and stream caught up); stop
# the stream (SIGTERM); the backlog; `run` again, timed until the target holds every transaction.
# ---------------------------------------------------------------------------------------------
pgferry_skip() { PGFERRY_SKIPPED=1; PGFERRY_NOTE="$1"; log "pgferry skipped: $1"; }

run_pgferry_sync() {
  export PGFERRY_APPLY_SYNC=1 TOOL=pgferry_sync
  run_pgferry "$1"
  unset PGFERRY_APPLY_SYNC TOOL
}
run_pgferry() {
  local rep="$1" tool="${TOOL:-pgferry}"
  [ -z "$PGFERRY_SKIPPED" ] || return 0
  [ -x "$PGFERRY_CLI" ] || { pgferry_skip "pgferry-cli not found at $PGFERRY_CLI (build it, or set PGFERRY_CLI)"; return 0; }
  reset_target_db nocreate
  local project="$BENCH_DIR/cdc/$tool-$rep-$$.pgferry" log="$BENCH_DIR/logs/cdc-$tool-$rep"
  rm -f "$project"
  if ! "$PGFERRY_CLI" project new -o "$project" --name "$tool-$rep-$$" --source "$SOURCE_ADMIN_URI" --target "$TARGET_ADMIN_URI" \
         --database "$BENCH_DB" --mode online --jobs 2 >"$log-project.log" 2>&1; then
    pgferry_skip "\`pgferry-cli project new\` failed: $(tail -1 "$log-project.log")"; return 0
  fi
  if ! "$PGFERRY_CLI" run "$project" --until ready --json >"$log-ready.log" 2>&1; then
    pgferry_skip "\`pgferry-cli run --until ready\` failed: $(tail -1 "$log-ready.log" | cut -c1-300)"; return 0
  fi
  make_backlog
  local want start end pid
  want="$(src_value "$BENCH_DB" "SELECT count(*) FROM public.pgbench_history")"
  start="$(now)"
  /usr/bin/time -v -o "$log-drain.time" "$PGFERRY_CLI" run "$project" --json >"$log-drain.log" 2>&1 &
  pid=$!
  wait_for_history "$want"
  end="$(now)"
  TIMES[$tool]+="$(elapsed "$start" "$end") "
  log "$tool run $rep: drained $TRANSACTIONS transactions in $(elapsed "$start" "$end")s"
  measure_lag "$tool" "$rep"
  # Cut over while the run is alive (that drops its slot and publication), then let it finish.
  # Readiness may trail the drain by a status interval: try for up to 30 s.
  local tries=0
  until "$PGFERRY_CLI" cutover "$project" --yes >"$log-cutover.log" 2>&1; do
    tries=$((tries + 1))
    if [ $tries -ge 15 ]; then
      log "pgferry cutover after the drain failed (see $log-cutover.log): stopping the run"
      break
    fi
    sleep 2
  done
  local waited=0
  while kill -0 "$pid" 2>/dev/null && [ $waited -lt 100 ]; do sleep 0.2; waited=$((waited + 1)); done
  # Still running: signal the run itself (the child of /usr/bin/time), so time still writes its report.
  pkill -TERM -P "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  RSS[$tool]+="$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$log-drain.time") "
  drop_pgferry_leftovers
}

# Undoes what a pgferry run leaves on the source: read-only, slots, publications (the clusters are the bench's own).
drop_pgferry_leftovers() {
  # A pgferry cutover makes the source database read-only (the project default); the next run needs it writable.
  src_psql postgres -c "ALTER DATABASE $BENCH_DB RESET default_transaction_read_only"
  src_psql "$BENCH_DB" -At -c "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots
                               WHERE slot_name LIKE 'pgferry%' AND NOT active" >/dev/null
  local p
  for p in $(src_value "$BENCH_DB" "SELECT pubname FROM pg_publication WHERE pubname LIKE 'pgferry%'"); do
    src_psql "$BENCH_DB" -c "DROP PUBLICATION \"$p\""
  done
}
drop_pgferry_leftovers

log "cdc drain: scale $SCALE, $TRANSACTIONS transactions, $REPS runs of: ${TOOLS[*]}"
for rep in $(seq 1 "$REPS"); do
  n=${#TOOLS[@]}
  for i in $(seq 0 $((n - 1))); do
    tool="${TOOLS[$(((i + rep - 1) % n))]}"
    "run_$tool" "$rep"
  done
done

med() { printf '%s\n' ${TIMES[$1]:-} | median; }
M_NATIVE="$(med native)"
stamp="$(date +%Y%m%d-%H%M%S)"
out="$RESULTS_DIR/cdc-drain-scale$SCALE-$stamp.md"
{
  echo "# Change-capture drain, scale $SCALE, backlog of $TRANSACTIONS pgbench transactions, median of $REPS"
  echo
  [ -z "$NOTE" ] || { echo "> $NOTE"; echo; }
  echo "- Date: $(date -u +'%Y-%m-%d %H:%M UTC')"
  machine_info
  echo "- Backlog: \`pgbench -n -c $CLIENTS -j 2\` (TPC-B-like), made while the consumer was stopped"
  echo
  echo "| tool | median s | runs s | × native | peak RSS MiB |"
  echo "|---|---:|---|---:|---:|"
  for tool in "${TOOLS[@]}"; do
    if [ -z "${TIMES[$tool]:-}" ]; then echo "| $tool | skipped | | | |"; continue; fi
    m="$(med "$tool")"
    peak="–"
    if [ -n "${RSS[$tool]:-}" ]; then peak=$(( $(printf '%s\n' ${RSS[$tool]} | sort -n | tail -1) / 1024 )); fi
    echo "| $tool | $m | $(echo ${TIMES[$tool]} | sed 's/ /, /g') | $(ratio "$m" "$M_NATIVE") | $peak |"
  done
  echo
  echo "native: publication + subscription (\`copy_data = false\`, created disabled so its slot marks the start,"
  echo "then enabled; wal_retrieve_retry_interval = 100ms on the target so the launcher starts it at once); its apply"
  echo "worker runs inside the target server, so no client RSS. Time: from start (enable,"
  echo "or \`pgferry-cli run\`) until the target's pgbench_branches balances equal the source's and its pgbench_history"
  echo "has the source's row count (polled every 50 ms, a new transaction per poll)."
  if [ "$LAG_SECONDS" -gt 0 ] && [ -n "${LAG[native]:-}${LAG[pgferry]:-}" ]; then
    echo
    echo "Steady-state lag under \`pgbench -R $LAG_RATE -c $CLIENTS\`, consumer caught up, ${LAG_SECONDS} s sampled every 100 ms"
    echo "on the target (age of the newest applied pgbench_history row; seconds):"
    echo
    echo "| tool | run | p50 | p95 | p99 | max | samples | pgbench tps |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|"
    for tool in "${TOOLS[@]}"; do
      r=0
      IFS=';' read -ra runs <<< "${LAG[$tool]:-}"
      for line in "${runs[@]}"; do
        [ -n "$line" ] || continue
        r=$((r + 1))
        echo "| $tool | $r | $(echo $line | awk '{ printf "%s | %s | %s | %s | %s | %s", $1, $2, $3, $4, $5, $6 }') |"
      done
    done
  fi
  if [ -n "${TIMES[pgferry]:-}" ]; then
    echo
    echo "Target (issues 9, 21): pgferry ≤ 0.66 × native: **$(ratio "$(med pgferry)" "$M_NATIVE")**."
    if [ -n "${LAG[pgferry]:-}" ]; then
      p99s() { printf '%s' "${LAG[$1]:-}" | tr ';' '\n' | awk 'NF { print $3 }' | median; }
      echo "Target (issue 21): median p99 lag under 1,000 tps ≤ 2 × native's: pgferry **$(p99s pgferry) s**, native $(p99s native) s: **$(ratio "$(p99s pgferry)" "$(p99s native)") ×**."
    fi
  elif [[ " ${TOOLS[*]} " == *" pgferry "* ]]; then
    echo
    echo "pgferry skipped: ${PGFERRY_NOTE:-not run}"
  fi
} > "$out"
log "results: $out"
cat "$out"
