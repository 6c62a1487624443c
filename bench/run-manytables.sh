#!/usr/bin/env bash
# Many small tables (issue 21): a database of N tables (default 5,000) of R rows each (default 200),
# each with a primary key and a secondary index, copied whole by pgferry (offline, --verify count and
# the default full checksum) and by pgcopydb clone, alternating, REPS times each, on the same servers.
# After the last pgferry run it measures `pgferry-cli status --json` on that project: its size and the
# time to produce it (the issue's row: < 1 MB and < 50 ms at 10,000 tables), with and without --tables.
# Writes a Markdown table of medians and ratios to bench/results/.
# Both servers get max_locks_per_transaction = --locks (default 1024, set with ALTER SYSTEM and a restart
# when it differs): with the default 64, pgcopydb 0.10 fails at 5,000 tables ("out of shared memory", its
# pre-data is one transaction) and pg_dump itself at about 6,000; pgferry restores in batches then.
# A tool that fails is recorded as failed, with its last error line, and the others go on.
# Usage: bench/run-manytables.sh [--tables N] [--rows N] [--reps N] [--jobs N] [--locks N] [--note TEXT] [--only tool,tool]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

TABLES=5000
ROWS=200
REPS=3
JOBS=2
LOCKS=1024
NOTE=""
ONLY=""
ALL_TOOLS=(pgferry_count pgferry pgcopydb)
DB=many

while [ $# -gt 0 ]; do
  case "$1" in
    --tables) TABLES="$2"; shift 2 ;;
    --rows) ROWS="$2"; shift 2 ;;
    --reps) REPS="$2"; shift 2 ;;
    --jobs) JOBS="$2"; shift 2 ;;
    --locks) LOCKS="$2"; shift 2 ;;
    --note) NOTE="$2"; shift 2 ;;
    --only) ONLY="$2"; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
[[ "$TABLES" =~ ^[0-9]+$ ]] && [ "$TABLES" -ge 1 ] || die "--tables must be a positive number"
[[ "$ROWS" =~ ^[0-9]+$ ]] || die "--rows must be a number"
[ "$REPS" -ge 1 ] || die "--reps must be at least 1"
TOOLS=()
for t in "${ALL_TOOLS[@]}"; do
  if [ -z "$ONLY" ] || [[ ",$ONLY," == *",$t,"* ]]; then TOOLS+=("$t"); fi
done

BENCH_DB="$DB"
SOURCE_URI="postgresql://postgres@127.0.0.1:$SOURCE_PORT/$DB"
TARGET_URI="postgresql://postgres@127.0.0.1:$TARGET_PORT/$DB"
clusters_up
for side in source target; do
  psqlf=src_value; [ "$side" = target ] && psqlf=tgt_value
  if [ "$("$psqlf" postgres "SHOW max_locks_per_transaction")" != "$LOCKS" ]; then
    log "setting max_locks_per_transaction = $LOCKS on the $side (restart)"
    "${psqlf%_value}_psql" postgres -c "ALTER SYSTEM SET max_locks_per_transaction = $LOCKS"
    cluster_down "$side"
  fi
done
clusters_up
mkdir -p "$BENCH_DIR/many" "$BENCH_DIR/logs" "$RESULTS_DIR"

# The data set, made again only when its shape changed (it takes a while at 10,000 tables).
shape="$TABLES tables x $ROWS rows"
if [ "$(cat "$BENCH_DIR/many/shape" 2>/dev/null)" != "$shape" ] ||
   [ "$(src_value postgres "SELECT count(*) FROM pg_database WHERE datname = '$DB'")" != 1 ]; then
  log "creating $shape in database $DB on the source"
  rm -f "$BENCH_DIR/many/shape"
  drop_database src "$DB"
  src_psql postgres -c "CREATE DATABASE $DB"
  for ((start = 1; start <= TABLES; start += 500)); do
    end=$((start + 499)); [ "$end" -gt "$TABLES" ] && end=$TABLES
    # 500 tables per transaction stays within max_locks_per_transaction.
    src_psql "$DB" <<SQL
DO \$\$
BEGIN
  FOR i IN $start..$end LOOP
    EXECUTE format('CREATE TABLE public.t%s (id int PRIMARY KEY, name text NOT NULL, at timestamptz NOT NULL, n numeric)', i);
    EXECUTE format('INSERT INTO public.t%s SELECT g, md5((g * %s)::text), timestamptz ''2024-01-01'' + g * interval ''1 minute'', g / 7.0 FROM generate_series(1, $ROWS) g', i, i);
    EXECUTE format('CREATE INDEX t%s_name ON public.t%s (name)', i, i);
  END LOOP;
END
\$\$;
SQL
  done
  src_psql "$DB" -c "VACUUM ANALYZE"
  echo "$shape" > "$BENCH_DIR/many/shape"
fi
DB_SIZE="$(src_value "$DB" "SELECT pg_size_pretty(pg_database_size(current_database()))")"
EXPECTED="$(src_value "$DB" "SELECT count(*) FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace")/$(src_value "$DB" "SELECT count(*) FROM pg_indexes WHERE schemaname = 'public'")"
# Tables and indexes on the target, and the rows of a sample of tables (the first, the last, one between).
actual_shape() {
  local tables indexes rows
  tables="$(tgt_value "$DB" "SELECT count(*) FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace" 2>/dev/null || echo missing)"
  indexes="$(tgt_value "$DB" "SELECT count(*) FROM pg_indexes WHERE schemaname = 'public'" 2>/dev/null || echo missing)"
  echo "$tables/$indexes"
}
sample_rows() {
  local mid=$(((TABLES + 1) / 2))
  tgt_value "$DB" "SELECT (SELECT count(*) FROM public.t1) + (SELECT count(*) FROM public.t$mid) + (SELECT count(*) FROM public.t$TABLES)" 2>/dev/null || echo missing
}

declare -A TIMES RSS CPU CHECK FAILED
PGFERRY_NOTE=""
STATUS_PROJECT=""

run_tool() {
  local tool="$1" rep="$2" label="many-$1-$2"
  case "$tool" in
    pgferry|pgferry_count)
      [ -x "$PGFERRY_CLI" ] || die "pgferry-cli not found at $PGFERRY_CLI (build it, or set PGFERRY_CLI)"
      reset_target_db nocreate
      local project="$BENCH_DIR/many/bench-$tool-$rep-$$.pgferry" verify=full
      [ "$tool" = pgferry ] || verify=count
      rm -f "$project"
      "$PGFERRY_CLI" project new -o "$project" --name "many-$tool-$rep-$$" --source "$SOURCE_ADMIN_URI" --target "$TARGET_ADMIN_URI" \
        --database "$DB" --mode offline --jobs "$JOBS" --verify "$verify" >"$BENCH_DIR/logs/$label-project.log" 2>&1 \
        || die "pgferry-cli project new failed: see $BENCH_DIR/logs/$label-project.log"
      timed "$label" "$PGFERRY_CLI" run "$project" --until "done"
      STATUS_PROJECT="$project"
      ;;
    pgcopydb)
      reset_target_db create
      rm -rf "$BENCH_DIR/many/pgcopydb"
      timed "$label" pgcopydb clone --source "$SOURCE_URI" --target "$TARGET_URI" --table-jobs "$JOBS" --index-jobs "$JOBS" \
        --dir "$BENCH_DIR/many/pgcopydb"
      ;;
  esac
  if [ "$TIMED_RC" -ne 0 ]; then
    FAILED[$tool]="exit $TIMED_RC: $(grep -m1 -E 'ERROR|error|failed' "$BENCH_DIR/logs/$label.log" | cut -c1-200)"
    log "$tool run $rep failed: ${FAILED[$tool]}"
    return 0
  fi
  local got rows
  got="$(actual_shape)"
  rows="$(sample_rows)"
  TIMES[$tool]+="$TIMED_SECONDS "
  RSS[$tool]+="$TIMED_RSS_KB "
  CPU[$tool]+="$TIMED_CPU "
  if [ "$got" = "$EXPECTED" ] && [ "$rows" = "$((3 * ROWS))" ]; then CHECK[$tool]="${CHECK[$tool]:-ok}"
  else CHECK[$tool]="MISMATCH (tables/indexes $got, want $EXPECTED; sample rows $rows, want $((3 * ROWS)))"; fi
  log "$tool run $rep: ${TIMED_SECONDS}s, machine CPU ${TIMED_CPU}s, peak RSS $((TIMED_RSS_KB / 1024)) MiB, tables/indexes ${got}"
}

log "many tables: $shape ($DB_SIZE), $REPS runs of: ${TOOLS[*]}, $JOBS jobs"
for rep in $(seq 1 "$REPS"); do
  n=${#TOOLS[@]}
  for i in $(seq 0 $((n - 1))); do
    run_tool "${TOOLS[$(((i + rep - 1) % n))]}" "$rep"
  done
done

# `status --json` of the last pgferry run: bytes, and milliseconds for the whole command (median of 5;
# the process's start is included, so this is an upper bound on producing it).
STATUS_LINE=""
if [ -n "$STATUS_PROJECT" ]; then
  status_measure() { # extra args...
    local ms=() bytes i t0 t1
    for i in 1 2 3 4 5; do
      t0=$(date +%s%N)
      bytes=$("$PGFERRY_CLI" status "$STATUS_PROJECT" --json "$@" | wc -c)
      t1=$(date +%s%N)
      ms+=("$(( (t1 - t0) / 1000000 ))")
    done
    echo "$bytes bytes, $(printf '%s\n' "${ms[@]}" | median) ms"
  }
  STATUS_LINE="\`status --json\`: $(status_measure); with \`--tables\`: $(status_measure --tables)"
  log "$STATUS_LINE"
fi

med() { printf '%s\n' ${TIMES[$1]:-} | median; }
M_COPYDB="$(med pgcopydb)"
stamp="$(date +%Y%m%d-%H%M%S)"
out="$RESULTS_DIR/manytables-$TABLES-$stamp.md"
{
  echo "# Many small tables: $shape, a key and an index each ($DB_SIZE), $JOBS jobs, median of $REPS"
  echo
  [ -z "$NOTE" ] || { echo "> $NOTE"; echo; }
  echo "- Date: $(date -u +'%Y-%m-%d %H:%M UTC')"
  machine_info
  echo "- max_locks_per_transaction = $LOCKS on both servers"
  echo
  echo "| tool | median s | runs s | × pgcopydb | machine CPU s | peak RSS MiB | tables/indexes, sample rows |"
  echo "|---|---:|---|---:|---:|---:|---|"
  for tool in "${TOOLS[@]}"; do
    if [ -z "${TIMES[$tool]:-}" ]; then
      echo "| $tool | failed | | | | | ${FAILED[$tool]:-not run} |"
      continue
    fi
    m="$(med "$tool")"
    peak="$(printf '%s\n' ${RSS[$tool]} | sort -n | tail -1)"
    echo "| $tool | $m | $(echo ${TIMES[$tool]} | sed 's/ /, /g') | $(ratio "$m" "$M_COPYDB") | $(printf '%s\n' ${CPU[$tool]} | median) | $((peak / 1024)) | ${CHECK[$tool]} |"
  done
  echo
  echo "Tools: **pgferry_count** \`pgferry-cli run --until done\` (offline, --jobs $JOBS, --verify count);"
  echo "**pgferry** the same with the default verification (a checksum of every row on both sides);"
  echo "**pgcopydb** \`clone --table-jobs $JOBS --index-jobs $JOBS\` (verifies nothing). Target (issue 21): ≤ 0.50 × pgcopydb."
  [ -z "$STATUS_LINE" ] || { echo; echo "$STATUS_LINE (whole command, process start included; median of 5). Target: < 1 MB and < 50 ms at 10,000 tables."; }
} > "$out"
log "results: $out"
cat "$out"
