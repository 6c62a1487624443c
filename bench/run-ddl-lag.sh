#!/usr/bin/env bash
# Schema-change (DDL) lag benchmark: how much lag a release of 20 DDL statements adds to pgferry's
# online stream under a steady pgbench write load (target: 20 DDL statements during 1,000 tps add no
# more than 2 s of lag). REPS runs, each on a fresh target database, on the data set of gen-data.sh.
# Usage: bench/run-ddl-lag.sh [--reps N] [--seconds N] [--clients N] [--gap SECONDS] [--note TEXT]
#
# Per run: an online pgferry project (`run --until ready`, then `run` in the background, streaming);
# `pgbench -n -R 1000 -T SECONDS -c CLIENTS -j 2` on the source, and on the target one session that
# samples every 100 ms the age of the newest applied pgbench_history row (clock_timestamp() - max(mtime),
# an index on mtime on the target only; both servers share this machine's clock). After 2 s of warm-up
# and 10 s of baseline, the release: 20 DDL statements through psql on the source, each in its own
# transaction (four with rows in the same transaction), in one session as a migration tool runs
# them, --gap (0.25) s apart: about 5 s (--gap 0: back to back, under 1 s). Lag p50/p95/p99/max
# in the 10 s before the release and from its start to 5 s after its end; the difference is the
# added lag. Then: drained, the target's catalog must hold every change (the foreign key only after
# the cutover: pgferry creates foreign keys at cutover), `status --json` must list no unresolved
# change, and after `cutover --yes` the target's pgbench_history must have the source's row count.
#
# The servers are durable by default (fsync, full_page_writes and synchronous_commit on, as production
# servers run; set with ALTER SYSTEM for the run and reset at the end when the clusters were created
# without). BENCH_DURABLE=0 keeps the clusters as they are. The header says which.
BENCH_DURABLE="${BENCH_DURABLE:-1}"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

REPS=3
DURATION=40
CLIENTS=16   # pgbench clients: on durable servers with a 3 ms fsync, 4 clients reach only about 650 tps of the 1,000 asked
RATE=1000
NOTE=""
WARMUP=2      # seconds of pgbench before the baseline window starts
BASELINE=10   # seconds of baseline before the release
AFTER=5       # seconds after the release's last statement still counted in the release window
GAP=0.25      # seconds between two release statements (SELECT pg_sleep in the release's session)

while [ $# -gt 0 ]; do
  case "$1" in
    --reps) REPS="$2"; shift 2 ;;
    --seconds) DURATION="$2"; shift 2 ;;
    --clients) CLIENTS="$2"; shift 2 ;;
    --gap) GAP="$2"; shift 2 ;;
    --note) NOTE="$2"; shift 2 ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
[[ "$REPS" =~ ^[0-9]+$ ]] && [ "$REPS" -ge 1 ] || die "--reps must be a positive number"
[[ "$DURATION" =~ ^[0-9]+$ ]] && [ "$DURATION" -ge $((WARMUP + BASELINE + 5 + AFTER + 5)) ] \
  || die "--seconds must be at least $((WARMUP + BASELINE + 5 + AFTER + 5)) (warm-up, baseline, release, $AFTER s after it, margin)"
[ -f "$BENCH_DIR/scale" ] || die "no data set in $BENCH_DIR: run bench/gen-data.sh SCALE first (bench/gen-data.sh 1 for a quick try, 10 for a real figure)"
SCALE="$(cat "$BENCH_DIR/scale")"
[ -x "$PGFERRY_CLI" ] || die "pgferry-cli not found at $PGFERRY_CLI: build it (cmake --build build --target pgferry-cli) or set PGFERRY_CLI"
command -v jq >/dev/null || die "jq is needed to read \`pgferry-cli status --json\`"

clusters_up
[ "$(src_value postgres "SELECT count(*) FROM pg_database WHERE datname = '$BENCH_DB'")" = 1 ] \
  && [ -n "$(src_value "$BENCH_DB" "SELECT to_regclass('public.pgbench_history')")" ] \
  || die "no pgbench tables in database $BENCH_DB on the source: run bench/gen-data.sh SCALE first (bench/gen-data.sh 1 for a quick try)"
mkdir -p "$BENCH_DIR/ddl" "$BENCH_DIR/logs" "$RESULTS_DIR"
LOGS="$BENCH_DIR/logs"

# What is measured, taken at the start: the build directory may be rebuilt by someone else during the
# run, so every run uses a copy of the binary as it was when the script started.
commit="$(git -C "$REPO_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
dirty="$(git -C "$REPO_ROOT" status --porcelain -- core cli app 2>/dev/null | awk '{ print $2 }' | paste -sd, - | sed 's/,/, /g')"
[ -z "$dirty" ] || commit+=" + uncommitted changes in $dirty"
case "$(realpath "$PGFERRY_CLI")" in
  "$REPO_ROOT"/*) commit="repository at start: $commit" ;;
  *) commit="binary built outside this repository (say from which commit with --note); this repository at start: $commit" ;;
esac
CLI_INFO="$PGFERRY_CLI, built $(date -u -r "$PGFERRY_CLI" +'%Y-%m-%d %H:%M UTC')"
cp "$PGFERRY_CLI" "$BENCH_DIR/ddl/pgferry-cli.$$"
PGFERRY_CLI="$BENCH_DIR/ddl/pgferry-cli.$$"

# ---------------------------------------------------------------------------------------------
# Durable servers: fsync, full_page_writes and synchronous_commit on both sides for this run, unless
# BENCH_DURABLE=0. gen-data.sh creates the clusters with fsync off unless BENCH_DURABLE=1 was set then;
# what ALTER SYSTEM sets here is reset when the script ends, so the other benchmarks are unchanged.
# ---------------------------------------------------------------------------------------------
DURABLE_SET=""
server_psql() { if [ "$1" = source ]; then shift; src_psql "$@"; else shift; tgt_psql "$@"; fi; }
durability_of() { server_psql "$1" postgres -At -c "SELECT current_setting('fsync') || ',' || current_setting('full_page_writes') || ',' || current_setting('synchronous_commit')"; }
restore_durability() {
  local side
  for side in $DURABLE_SET; do
    server_psql "$side" postgres -c "ALTER SYSTEM RESET fsync" -c "ALTER SYSTEM RESET full_page_writes" \
      -c "ALTER SYSTEM RESET synchronous_commit" -c "SELECT pg_reload_conf()" >/dev/null 2>&1 || true
  done
}
trap 'restore_durability; rm -f "$BENCH_DIR/ddl/pgferry-cli.$$"' EXIT
if [ "$BENCH_DURABLE" = 1 ]; then
  for side in source target; do
    if [ "$(durability_of "$side")" != "on,on,on" ]; then
      log "making the $side server durable for this run (fsync, full_page_writes, synchronous_commit on)"
      server_psql "$side" postgres -c "ALTER SYSTEM SET fsync = on" -c "ALTER SYSTEM SET full_page_writes = on" \
        -c "ALTER SYSTEM SET synchronous_commit = on" -c "SELECT pg_reload_conf()" >/dev/null
      DURABLE_SET+="$side "
    fi
  done
  sleep 0.5 # the reload reaches the postmaster's children asynchronously
fi
SRC_DURABILITY="$(durability_of source)"
TGT_DURABILITY="$(durability_of target)"
if [ "$SRC_DURABILITY,$TGT_DURABILITY" = "on,on,on,on,on,on" ]; then
  DURABILITY_LABEL="durable: fsync, full_page_writes and synchronous_commit on, both servers"
else
  DURABILITY_LABEL="NOT durable: fsync,full_page_writes,synchronous_commit = source $SRC_DURABILITY, target $TGT_DURABILITY"
fi

# ---------------------------------------------------------------------------------------------
# The release: 20 statements, each its own transaction (psql -c), none rewriting a big table.
# ---------------------------------------------------------------------------------------------
RELEASE=(
  "BEGIN; CREATE TABLE public.release_items (id bigserial PRIMARY KEY, name text NOT NULL, qty integer DEFAULT 0, created timestamptz NOT NULL DEFAULT now()); INSERT INTO public.release_items (name, qty) SELECT 'item ' || g, g % 50 FROM generate_series(1, 1000) g; COMMIT;"
  "CREATE INDEX release_items_name ON public.release_items (name)"
  "BEGIN; CREATE TABLE public.release_orders (id bigint PRIMARY KEY, item_id bigint NOT NULL, amount integer NOT NULL, note text); INSERT INTO public.release_orders SELECT g, g % 1000 + 1, g % 97, 'order ' || g FROM generate_series(1, 1000) g; COMMIT;"
  "ALTER TABLE public.release_orders ALTER COLUMN amount TYPE bigint"
  "ALTER TABLE public.release_orders RENAME COLUMN note TO remark"
  "ALTER TABLE public.pgbench_branches ADD COLUMN note text DEFAULT 'x'"
  "ALTER TABLE public.pgbench_history ADD COLUMN release_tag text"
  "CREATE SEQUENCE public.release_invoice_seq START 1000"
  "CREATE VIEW public.release_order_totals AS SELECT item_id, sum(amount) AS total, count(*) AS orders FROM public.release_orders GROUP BY item_id"
  "CREATE FUNCTION public.release_discount(amount bigint) RETURNS numeric LANGUAGE sql IMMUTABLE AS \$\$ SELECT amount * 0.9 \$\$"
  "BEGIN; ALTER TABLE public.release_items ADD COLUMN sku text; UPDATE public.release_items SET sku = 'sku-' || id; COMMIT;"
  "CREATE UNIQUE INDEX CONCURRENTLY release_items_sku ON public.release_items (sku)"
  "ALTER TABLE public.release_items ALTER COLUMN qty SET NOT NULL"
  "ALTER TABLE public.release_orders ADD CONSTRAINT release_orders_amount_nonneg CHECK (amount >= 0)"
  "CREATE TYPE public.release_status AS ENUM ('new', 'paid', 'shipped')"
  "ALTER TABLE public.release_orders ADD COLUMN status public.release_status NOT NULL DEFAULT 'new'"
  "BEGIN; CREATE TABLE public.release_audit (id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now(), what text); INSERT INTO public.release_audit (what) SELECT 'migrated ' || g FROM generate_series(1, 500) g; COMMIT;"
  "ALTER TABLE public.release_audit RENAME TO release_log"
  "ALTER TABLE public.release_orders ADD CONSTRAINT release_orders_item_fk FOREIGN KEY (item_id) REFERENCES public.release_items (id)"
  "ALTER TYPE public.release_status ADD VALUE 'returned'"
)
[ "${#RELEASE[@]}" -eq 20 ] || die "the release must have 20 statements"

# One row per release statement: "n|t or f|what", read from the catalog (the same query on both sides).
CHECK_SQL="
WITH a AS (SELECT attrelid, attname, atttypid, attnotnull, atthasdef FROM pg_attribute WHERE attnum > 0 AND NOT attisdropped)
SELECT 1, to_regclass('public.release_items') IS NOT NULL, 'table release_items'
UNION ALL SELECT 2, to_regclass('public.release_items_name') IS NOT NULL, 'index release_items_name'
UNION ALL SELECT 3, to_regclass('public.release_orders') IS NOT NULL, 'table release_orders'
UNION ALL SELECT 4, EXISTS (SELECT FROM a WHERE attrelid = to_regclass('public.release_orders') AND attname = 'amount' AND atttypid = 'bigint'::regtype), 'release_orders.amount bigint'
UNION ALL SELECT 5, EXISTS (SELECT FROM a WHERE attrelid = to_regclass('public.release_orders') AND attname = 'remark')
                    AND NOT EXISTS (SELECT FROM a WHERE attrelid = to_regclass('public.release_orders') AND attname = 'note'), 'release_orders.note renamed remark'
UNION ALL SELECT 6, EXISTS (SELECT FROM a WHERE attrelid = 'public.pgbench_branches'::regclass AND attname = 'note' AND atthasdef), 'pgbench_branches.note with default'
UNION ALL SELECT 7, EXISTS (SELECT FROM a WHERE attrelid = 'public.pgbench_history'::regclass AND attname = 'release_tag'), 'pgbench_history.release_tag'
UNION ALL SELECT 8, EXISTS (SELECT FROM pg_class WHERE oid = to_regclass('public.release_invoice_seq') AND relkind = 'S'), 'sequence release_invoice_seq'
UNION ALL SELECT 9, EXISTS (SELECT FROM pg_class WHERE oid = to_regclass('public.release_order_totals') AND relkind = 'v'), 'view release_order_totals'
UNION ALL SELECT 10, to_regprocedure('public.release_discount(bigint)') IS NOT NULL, 'function release_discount(bigint)'
UNION ALL SELECT 11, EXISTS (SELECT FROM a WHERE attrelid = to_regclass('public.release_items') AND attname = 'sku'), 'release_items.sku'
UNION ALL SELECT 12, EXISTS (SELECT FROM pg_index WHERE indexrelid = to_regclass('public.release_items_sku') AND indisunique AND indisvalid), 'unique index release_items_sku (concurrently)'
UNION ALL SELECT 13, EXISTS (SELECT FROM a WHERE attrelid = to_regclass('public.release_items') AND attname = 'qty' AND attnotnull), 'release_items.qty NOT NULL'
UNION ALL SELECT 14, EXISTS (SELECT FROM pg_constraint WHERE conrelid = to_regclass('public.release_orders') AND conname = 'release_orders_amount_nonneg' AND contype = 'c'), 'check release_orders_amount_nonneg'
UNION ALL SELECT 15, to_regtype('public.release_status') IS NOT NULL, 'enum release_status'
UNION ALL SELECT 16, EXISTS (SELECT FROM a WHERE attrelid = to_regclass('public.release_orders') AND attname = 'status' AND atttypid = to_regtype('public.release_status') AND atthasdef), 'release_orders.status with default'
UNION ALL SELECT 17, to_regclass('public.release_log') IS NOT NULL OR to_regclass('public.release_audit') IS NOT NULL, 'table release_audit'
UNION ALL SELECT 18, to_regclass('public.release_log') IS NOT NULL AND to_regclass('public.release_audit') IS NULL, 'release_audit renamed release_log'
UNION ALL SELECT 19, EXISTS (SELECT FROM pg_constraint WHERE conrelid = to_regclass('public.release_orders') AND conname = 'release_orders_item_fk' AND contype = 'f'), 'foreign key release_orders_item_fk'
UNION ALL SELECT 20, EXISTS (SELECT FROM pg_enum WHERE enumtypid = to_regtype('public.release_status') AND enumlabel = 'returned'), 'enum value release_status.returned'
ORDER BY 1"

# The rows written in the release's transactions, the same on both sides (only once the tables exist).
ROWS_SQL="SELECT (SELECT count(*) FROM public.release_items WHERE sku = 'sku-' || id) || ',' ||
                 (SELECT count(*) FROM public.release_orders) || ',' ||
                 (SELECT count(*) FROM public.release_log) || ',' ||
                 (SELECT count(*) FROM public.pgbench_branches WHERE note = 'x')"

# Puts the source back as gen-data.sh left it (the release's objects dropped). Run with no capture
# installed (after drop_pgferry_leftovers), so that nothing of it is logged.
reset_source_release() {
  src_psql "$BENCH_DB" -c "DROP VIEW IF EXISTS public.release_order_totals" \
    -c "DROP TABLE IF EXISTS public.release_orders, public.release_items, public.release_audit, public.release_log CASCADE" \
    -c "DROP TYPE IF EXISTS public.release_status" \
    -c "DROP SEQUENCE IF EXISTS public.release_invoice_seq" \
    -c "DROP FUNCTION IF EXISTS public.release_discount(bigint)" \
    -c "ALTER TABLE public.pgbench_branches DROP COLUMN IF EXISTS note" \
    -c "ALTER TABLE public.pgbench_history DROP COLUMN IF EXISTS release_tag" >/dev/null
}

# Undoes what a pgferry run leaves on the source: read-only, slots, publications, and the DDL capture
# (event triggers and schema _pgferry) when a run ended without its cutover (the clusters are the bench's own).
drop_pgferry_leftovers() {
  src_psql postgres -c "ALTER DATABASE $BENCH_DB RESET default_transaction_read_only"
  src_psql "$BENCH_DB" -At -c "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots
                               WHERE slot_name LIKE 'pgferry%' AND NOT active" >/dev/null
  local p
  for p in $(src_value "$BENCH_DB" "SELECT pubname FROM pg_publication WHERE pubname LIKE 'pgferry%'"); do
    src_psql "$BENCH_DB" -c "DROP PUBLICATION \"$p\""
  done
  for p in $(src_value "$BENCH_DB" "SELECT e.evtname FROM pg_event_trigger e JOIN pg_proc f ON f.oid = e.evtfoid
                                   JOIN pg_namespace n ON n.oid = f.pronamespace WHERE n.nspname = '_pgferry'"); do
    src_psql "$BENCH_DB" -c "DROP EVENT TRIGGER \"$p\""
  done
  src_psql "$BENCH_DB" -c "DROP SCHEMA IF EXISTS _pgferry CASCADE"
}

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

# Blocks until the target's pgbench_history has ROWS rows or TIMEOUT seconds passed; one session,
# a new transaction per poll (a held snapshot keeps dead row versions from being pruned).
wait_for_history() {
  local rows="$1" timeout="$2"
  tgt_psql "$BENCH_DB" -At -c "SET max_parallel_workers_per_gather = 0" -c "DO \$\$
      DECLARE t0 timestamptz := clock_timestamp();
      BEGIN
        LOOP
          EXIT WHEN (SELECT count(*) FROM public.pgbench_history) >= $rows;
          IF clock_timestamp() > t0 + interval '$timeout seconds' THEN
            RAISE EXCEPTION 'target pgbench_history did not reach % rows in $timeout s', $rows;
          END IF;
          PERFORM pg_sleep(0.05);
          COMMIT;
        END LOOP;
      END \$\$" >/dev/null 2>&1
}

# Lag windows of one run's samples (file of "epoch lag" lines): prints "p50 p95 p99 max n" for
# [from, to), computed by the target server (a temp table in the postgres database).
window_stats() {
  local file="$1" from="$2" to="$3"
  tgt_psql postgres -At -F ' ' -c "CREATE TEMP TABLE s (t float8, lag float8)" -c "\\copy s FROM '$file'" \
    -c "SELECT round(percentile_cont(0.5) WITHIN GROUP (ORDER BY lag)::numeric, 3),
               round(percentile_cont(0.95) WITHIN GROUP (ORDER BY lag)::numeric, 3),
               round(percentile_cont(0.99) WITHIN GROUP (ORDER BY lag)::numeric, 3),
               round(max(lag)::numeric, 3), count(lag)
          FROM s WHERE t >= $from AND t < $to"
}

# Mean tps of pgbench's per-second progress lines whose end falls in [from, to) seconds after its start.
window_tps() {
  awk -v a="$2" -v b="$3" '/^progress: / { t = $2 + 0; if (t > a && t <= b + 0.001) { s += $4; n++ } }
                           END { if (n) printf "%.0f", s / n; else print "?" }' "$1"
}

declare -a R_BASE R_REL R_ADD99 R_ADDMAX R_RELSECS R_TPS R_TPSREL R_DDL R_CHANGES R_ROWS R_HIST R_NOTE

run_once() {
  local rep="$1" tag project log
  tag="ddl-$rep-$$"
  project="$BENCH_DIR/ddl/$tag.pgferry"
  log="$LOGS/ddl-lag-$rep"
  rm -f "$project" "$log"-*
  R_NOTE[$rep]=""
  drop_pgferry_leftovers
  reset_source_release
  reset_target_db nocreate
  if ! "$PGFERRY_CLI" project new -o "$project" --name "$tag" --source "$SOURCE_ADMIN_URI" --target "$TARGET_ADMIN_URI" \
         --database "$BENCH_DB" --mode online --jobs 2 >"$log-project.log" 2>&1; then
    R_NOTE[$rep]="\`pgferry-cli project new\` failed: $(tail -1 "$log-project.log")"; return 0
  fi
  if ! "$PGFERRY_CLI" run "$project" --until ready --json >"$log-ready.log" 2>&1; then
    R_NOTE[$rep]="\`pgferry-cli run --until ready\` failed: $(tail -1 "$log-ready.log" | cut -c1-400)"; return 0
  fi
  tgt_psql "$BENCH_DB" -c "CREATE INDEX IF NOT EXISTS bench_history_mtime ON public.pgbench_history (mtime)"
  tgt_psql "$BENCH_DB" -c "VACUUM (ANALYZE) public.pgbench_history, public.pgbench_branches, public.pgbench_tellers, public.pgbench_accounts"
  "$PGFERRY_CLI" run "$project" --json >"$log-run.log" 2>&1 &
  local pid=$!
  # Streaming: ten transactions made now reach the target.
  pgbench -h 127.0.0.1 -p "$SOURCE_PORT" -n -c 1 -t 10 "$BENCH_DB" >/dev/null 2>&1
  if ! wait_for_history "$(src_value "$BENCH_DB" "SELECT count(*) FROM public.pgbench_history")" 120; then
    R_NOTE[$rep]="the stream did not start within 120 s: $(tail -2 "$log-run.log" | cut -c1-400)"
    kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
    return 0
  fi

  # The load and the sampler start together; the release starts after WARMUP + BASELINE seconds.
  local t_start samples="$log-samples.txt"
  t_start="$(now)"
  pgbench -h 127.0.0.1 -p "$SOURCE_PORT" -n -c "$CLIENTS" -j 2 -R "$RATE" -T "$DURATION" -P 1 "$BENCH_DB" \
    >"$log-pgbench.log" 2>&1 &
  local pgb_pid=$!
  tgt_psql "$BENCH_DB" -At -c "CREATE TEMP TABLE lag_samples (t float8, s float8)" -c "DO \$\$
      DECLARE t0 timestamptz := clock_timestamp();
      BEGIN
        WHILE clock_timestamp() < t0 + interval '$((DURATION - 1)) seconds' LOOP
          INSERT INTO lag_samples
            SELECT extract(epoch FROM clock_timestamp()), extract(epoch FROM clock_timestamp()::timestamp - max(mtime))
              FROM public.pgbench_history;
          COMMIT;
          PERFORM pg_sleep(0.1);
        END LOOP;
      END \$\$" -c "COPY lag_samples TO STDOUT" >"$samples" 2>"$log-sampler.err" &
  local sampler_pid=$!
  sleep "$(awk -v s="$t_start" -v n="$(now)" -v w=$((WARMUP + BASELINE)) 'BEGIN { d = s + w - n; print (d > 0 ? d : 0) }')"

  # The release, as a migration tool runs one: one psql session, each statement its own transaction,
  # GAP seconds apart; psql's \timing gives each statement's time in the log.
  local i rel_start rel_end failed
  {
    echo '\timing on'
    for i in "${!RELEASE[@]}"; do
      [ "$i" -eq 0 ] || [ "$GAP" = 0 ] || echo "SELECT pg_sleep($GAP);"
      echo "\\echo '-- release statement $((i + 1))'"
      echo "${RELEASE[$i]%;};"
    done
  } >"$log-release.sql"
  rel_start="$(now)"
  src_psql "$BENCH_DB" -v ON_ERROR_STOP=0 -e -f "$log-release.sql" >"$log-release.log" 2>&1 || true
  rel_end="$(now)"
  failed="$(grep -c 'ERROR:' "$log-release.log" || true)"
  if [ "$failed" -gt 0 ]; then
    log "run $rep: $failed release statement(s) failed on the source (see $log-release.log)"
    R_NOTE[$rep]+="$failed release statement(s) failed on the source: $(grep -m1 'ERROR:' "$log-release.log"). "
  fi
  wait "$pgb_pid" || true
  wait "$sampler_pid" || R_NOTE[$rep]+="the lag sampler failed: $(tail -1 "$log-sampler.err"). "
  R_RELSECS[$rep]="$(elapsed "$rel_start" "$rel_end")"

  local base rel
  base="$(window_stats "$samples" "$(awk -v r="$rel_start" -v b="$BASELINE" 'BEGIN { printf "%.3f", r - b }')" "$rel_start")"
  rel="$(window_stats "$samples" "$rel_start" "$(awk -v r="$rel_end" -v a="$AFTER" 'BEGIN { printf "%.3f", r + a }')")"
  R_BASE[$rep]="$base"
  R_REL[$rep]="$rel"
  R_ADD99[$rep]="$(awk -v a="$(echo "$rel" | cut -d' ' -f3)" -v b="$(echo "$base" | cut -d' ' -f3)" 'BEGIN { printf "%.3f", a - b }')"
  R_ADDMAX[$rep]="$(awk -v a="$(echo "$rel" | cut -d' ' -f4)" -v b="$(echo "$base" | cut -d' ' -f4)" 'BEGIN { printf "%.3f", a - b }')"
  R_TPS[$rep]="$(awk '/^tps = / { printf "%.0f", $3; exit }' "$log-pgbench.log")"
  R_TPSREL[$rep]="$(window_tps "$log-pgbench.log" "$(elapsed "$t_start" "$rel_start")" "$(awk -v s="$t_start" -v r="$rel_end" -v a="$AFTER" 'BEGIN { printf "%.3f", r + a - s }')")"
  log "run $rep: release of 20 statements took ${R_RELSECS[$rep]} s; lag p50 p95 p99 max n: baseline $base; release $rel; tps ${R_TPS[$rep]:-?} (${R_TPSREL[$rep]} during the release)"

  # Drained: the target holds every history row; every DDL came before the last of them.
  local want
  want="$(src_value "$BENCH_DB" "SELECT count(*) FROM public.pgbench_history")"
  if ! wait_for_history "$want" 180; then
    R_NOTE[$rep]+="not drained within 180 s (target $(tgt_value "$BENCH_DB" "SELECT count(*) FROM public.pgbench_history") of $want history rows; run $(kill -0 "$pid" 2>/dev/null && echo alive || echo ended): $(tail -2 "$log-run.log" | cut -c1-400). "
  fi
  local src_ok tgt_ok missing
  src_psql "$BENCH_DB" -At -F '|' -c "$CHECK_SQL" >"$log-check-source.txt"
  tgt_psql "$BENCH_DB" -At -F '|' -c "$CHECK_SQL" >"$log-check-target.txt"
  src_ok="$(grep -c '|t|' "$log-check-source.txt" || true)"
  tgt_ok="$(grep -c '|t|' "$log-check-target.txt" || true)"
  missing="$(awk -F'|' '$2 == "f" { printf "%s#%s %s", (n++ ? ", " : ""), $1, $3 }' "$log-check-target.txt")"
  [ "$src_ok" = 20 ] || R_NOTE[$rep]+="only $src_ok of 20 changes on the source (check the release log). "
  local rows_src rows_tgt
  rows_src="$(src_value "$BENCH_DB" "$ROWS_SQL" 2>/dev/null || echo '?')"
  rows_tgt="$(tgt_value "$BENCH_DB" "$ROWS_SQL" 2>/dev/null || echo '?')"
  R_ROWS[$rep]="$([ "$rows_src" = "$rows_tgt" ] && echo "equal" || echo "DIFFER (source $rows_src, target $rows_tgt)")"

  # What pgferry says about them.
  "$PGFERRY_CLI" status "$project" --json >"$log-status.json" 2>"$log-status.err" || true
  local n_changes states unresolved
  n_changes="$(jq '.databases[0].schema_changes | length' "$log-status.json" 2>/dev/null || echo '?')"
  states="$(jq -r '[.databases[0].schema_changes[].state] | group_by(.) | map("\(length) \(.[0])") | join(", ")' "$log-status.json" 2>/dev/null || echo '?')"
  unresolved="$(jq -r '[.databases[0].schema_changes[] | select(.state == "unresolved") | "\(.kind) \(.object): \(.detail)"] | join("; ")' "$log-status.json" 2>/dev/null || true)"
  R_CHANGES[$rep]="$n_changes ($states; capture: $(jq -r '.databases[0].ddl_capture' "$log-status.json" 2>/dev/null))"
  [ -z "$unresolved" ] || R_NOTE[$rep]+="unresolved: $unresolved. "
  local errors
  errors="$(jq -r '(.errors // []) | join("; ")' "$log-status.json" 2>/dev/null || true)"
  [ -z "$errors" ] || R_NOTE[$rep]+="status errors: $(echo "$errors" | cut -c1-600). "

  # Cutover while the run is alive (readiness may trail the drain by a status interval: up to 30 s).
  local tries=0 cut_ok=1
  until "$PGFERRY_CLI" cutover "$project" --yes >"$log-cutover.log" 2>&1; do
    tries=$((tries + 1))
    if [ $tries -ge 15 ] || ! kill -0 "$pid" 2>/dev/null; then
      cut_ok=0
      R_NOTE[$rep]+="cutover failed: $(tail -2 "$log-cutover.log" | tr '\n' ' ' | cut -c1-400). "
      break
    fi
    sleep 2
  done
  local waited=0
  while kill -0 "$pid" 2>/dev/null && [ $waited -lt 100 ]; do sleep 0.2; waited=$((waited + 1)); done
  if kill -0 "$pid" 2>/dev/null; then kill -TERM "$pid" 2>/dev/null || true; fi
  wait "$pid" 2>/dev/null || true
  local fk_after
  tgt_psql "$BENCH_DB" -At -F '|' -c "$CHECK_SQL" >"$log-check-target-after.txt"
  fk_after="$(grep -c '|t|' "$log-check-target-after.txt" || true)"
  R_DDL[$rep]="$tgt_ok/20 drained, $fk_after/20 after cutover"
  [ -z "$missing" ] || R_NOTE[$rep]+="missing on the target after the drain: $missing$( [ "$missing" != "#19 foreign key release_orders_item_fk" ] || echo ' (created at cutover by design)'). "
  [ "$fk_after" = 20 ] || R_NOTE[$rep]+="missing on the target after the cutover: $(awk -F'|' '$2 == "f" { printf "%s#%s %s", (n++ ? ", " : ""), $1, $3 }' "$log-check-target-after.txt"). "
  local h_src h_tgt
  h_src="$(src_value "$BENCH_DB" "SELECT count(*) FROM public.pgbench_history")"
  h_tgt="$(tgt_value "$BENCH_DB" "SELECT count(*) FROM public.pgbench_history")"
  R_HIST[$rep]="$([ "$h_src" = "$h_tgt" ] && echo "equal ($h_src)" || echo "DIFFER (source $h_src, target $h_tgt)")"
  [ "$cut_ok" = 1 ] || R_HIST[$rep]+=" (no cutover)"
  log "run $rep: target catalog ${R_DDL[$rep]}; schema_changes ${R_CHANGES[$rep]}; release rows ${R_ROWS[$rep]}; history ${R_HIST[$rep]}${R_NOTE[$rep]:+; ${R_NOTE[$rep]}}"
}

# pgbench_history has no key: an online migration needs a replica identity on every published table,
# as an administrator would set before migrating (run-cdc-drain.sh does the same).
drop_pgferry_leftovers
src_psql "$BENCH_DB" -c "ALTER TABLE public.pgbench_history REPLICA IDENTITY FULL" >/dev/null
LOAD_AT_START="$(cut -d' ' -f1-3 /proc/loadavg)"
log "ddl lag: scale $SCALE, $REPS runs, pgbench -R $RATE -c $CLIENTS for $DURATION s, $DURABILITY_LABEL"
for rep in $(seq 1 "$REPS"); do
  run_once "$rep"
done
drop_pgferry_leftovers
reset_source_release

col() { echo "$1" | cut -d' ' -f"$2"; }
medcol() { local f="$1"; shift; for x in "$@"; do [ -n "$x" ] && col "$x" "$f"; done | median; }
OK_REPS=()
for rep in $(seq 1 "$REPS"); do [ -n "${R_REL[$rep]:-}" ] && OK_REPS+=("$rep"); done
stamp="$(date +%Y%m%d-%H%M%S)"
out="$RESULTS_DIR/ddl-lag-scale$SCALE-$stamp.md"
{
  echo "# Schema-change lag: a release of 20 DDL statements under pgbench -R $RATE, scale $SCALE, $REPS runs"
  echo
  [ -z "$NOTE" ] || { echo "> $NOTE"; echo; }
  echo "- Date: $(date -u +'%Y-%m-%d %H:%M UTC'); $commit"
  echo "- pgferry-cli: $CLI_INFO (copied at start)"
  echo "- Servers: **$DURABILITY_LABEL**"
  echo "- Machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM, $(uname -sr); load average at start $LOAD_AT_START (shared machine)"
  echo "- PostgreSQL: source $("$SOURCE_BINDIR/postgres" --version | awk '{ print $3 }'), target $("$TARGET_BINDIR/postgres" --version | awk '{ print $3 }'), both on this machine"
  echo "- Load: \`pgbench -n -R $RATE -T $DURATION -c $CLIENTS -j 2\` (TPC-B-like) on the source; lag sampled every 100 ms on the target"
  echo "  (age of the newest applied pgbench_history row). Baseline: the $BASELINE s before the release (after $WARMUP s of warm-up);"
  echo "  release: from its first statement to $AFTER s after its last. Added = release − baseline."
  echo
  echo "Lag in seconds (p50 / p95 / p99 / max):"
  echo
  echo "| run | baseline | release + ${AFTER} s | added p99 | added max | release s | tps (in release) | on the target | schema_changes | release rows | history after cutover |"
  echo "|---:|---|---|---:|---:|---:|---:|---|---|---|---|"
  for rep in $(seq 1 "$REPS"); do
    if [ -z "${R_REL[$rep]:-}" ]; then echo "| $rep | failed | | | | | | | | | |"; continue; fi
    b="${R_BASE[$rep]}"; r="${R_REL[$rep]}"
    echo "| $rep | $(col "$b" 1) / $(col "$b" 2) / $(col "$b" 3) / $(col "$b" 4) | $(col "$r" 1) / $(col "$r" 2) / $(col "$r" 3) / **$(col "$r" 4)** | ${R_ADD99[$rep]} | **${R_ADDMAX[$rep]}** | ${R_RELSECS[$rep]} | ${R_TPS[$rep]:-?} (${R_TPSREL[$rep]}) | ${R_DDL[$rep]} | ${R_CHANGES[$rep]} | ${R_ROWS[$rep]} | ${R_HIST[$rep]} |"
  done
  if [ "${#OK_REPS[@]}" -gt 0 ]; then
    bases=(); rels=()
    for rep in "${OK_REPS[@]}"; do bases+=("${R_BASE[$rep]}"); rels+=("${R_REL[$rep]}"); done
    m99="$(for rep in "${OK_REPS[@]}"; do echo "${R_ADD99[$rep]}"; done | median)"
    mmax="$(for rep in "${OK_REPS[@]}"; do echo "${R_ADDMAX[$rep]}"; done | median)"
    echo "| median | $(medcol 1 "${bases[@]}") / $(medcol 2 "${bases[@]}") / $(medcol 3 "${bases[@]}") / $(medcol 4 "${bases[@]}") | $(medcol 1 "${rels[@]}") / $(medcol 2 "${rels[@]}") / $(medcol 3 "${rels[@]}") / $(medcol 4 "${rels[@]}") | $m99 | $mmax | $(for rep in "${OK_REPS[@]}"; do echo "${R_RELSECS[$rep]}"; done | median) | $(for rep in "${OK_REPS[@]}"; do echo "${R_TPS[$rep]}"; done | median) | | | | |"
    echo
    echo "**added lag p99/max: $m99 / $mmax s (target ≤ 2 s)** — median of ${#OK_REPS[@]} run(s)."
    bad=0
    for rep in "${OK_REPS[@]}"; do
      [[ "${R_DDL[$rep]}" == *" 20/20 after cutover" && "${R_HIST[$rep]}" == equal* && "${R_ROWS[$rep]}" == equal ]] || bad=$((bad + 1))
    done
    [ "$bad" -eq 0 ] || { echo; echo "**Not carried correctly: in $bad of ${#OK_REPS[@]} run(s) the target lacks changes or rows after the cutover (see the notes).**"; }
  fi
  notes=0
  for rep in $(seq 1 "$REPS"); do
    if [ -n "${R_NOTE[$rep]:-}" ]; then
      [ $notes -gt 0 ] || { echo; echo "Notes:"; echo; }
      notes=1
      echo "- run $rep: ${R_NOTE[$rep]}"
    fi
  done
  echo
  echo "The release (one psql session, each statement its own transaction, $GAP s apart):"
  echo
  for i in "${!RELEASE[@]}"; do echo "$((i + 1)). \`${RELEASE[$i]}\`"; done
  echo
  echo "\"on the target\": changes found in the target's catalog once it held every pgbench_history row, and after the"
  echo "cutover (the foreign key, #19, is created at cutover by design). \"schema_changes\": entries in"
  echo "\`pgferry-cli status --json\` (databases[0].schema_changes, by state) after the drain. \"release rows\": the rows"
  echo "written in the release's transactions (release_items with their sku, release_orders, release_log, pgbench_branches.note)"
  echo "compared between source and target after the drain. Logs: \`$LOGS/ddl-lag-RUN-*\`."
} >"$out"
log "results: $out"
cat "$out"
