#!/usr/bin/env bash
# Full-load benchmark (issue 9): in one run, alternating, REPS times each, on the data set that
# gen-data.sh made: pgferry offline run, pgcopydb clone, pg_dump -Fd | pg_restore, and a bare
# parallel COPY pipe of the two biggest tables (text, binary, and text plus the index build).
# Writes a Markdown table of medians, ratios and peak RSS to bench/results/.
# Usage: bench/run-fullload.sh [--reps N] [--jobs N] [--note TEXT] [--only tool,tool]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

REPS=3
JOBS=2
NOTE=""
ONLY=""
ALL_TOOLS=(pgferry pgferry_count pgcopydb dump_restore copy_text copy_binary copy_text_index)

# ---------------------------------------------------------------------------------------------
# Internal subcommands, run under /usr/bin/time by `timed` (a function cannot be timed directly).
# ---------------------------------------------------------------------------------------------
big_tables() { cat "$BENCH_DIR/fullload/big-tables"; }

# One COPY pipe per table, all in parallel: psql COPY TO STDOUT | psql COPY FROM STDIN.
internal_copy() {
  local format="$1" pids=() t
  for t in $(big_tables); do
    ( psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$SOURCE_PORT" -d "$BENCH_DB" \
          -c "COPY public.$t TO STDOUT (FORMAT $format)" \
        | psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$TARGET_PORT" -d "$BENCH_DB" \
          -c "COPY public.$t FROM STDIN (FORMAT $format)" ) &
    pids+=($!)
  done
  local rc=0 p
  for p in "${pids[@]}"; do wait "$p" || rc=1; done
  return $rc
}

internal_copy_index() {
  internal_copy text
  pg_restore -j "$JOBS" --section=post-data -h 127.0.0.1 -p "$TARGET_PORT" -d "$BENCH_DB" "$BENCH_DIR/fullload/big-schema.dump"
}

internal_dump_restore() {
  local dir="$BENCH_DIR/fullload/dump"
  rm -rf "$dir"
  pg_dump -Fd -j "$JOBS" -f "$dir" -h 127.0.0.1 -p "$SOURCE_PORT" "$BENCH_DB"
  pg_restore -j "$JOBS" -h 127.0.0.1 -p "$TARGET_PORT" -d "$BENCH_DB" "$dir"
  rm -rf "$dir"
}

case "${1:-}" in
  __copy) shift; JOBS="$2"; internal_copy "$1"; exit $? ;;
  __copy_index) shift; JOBS="$1"; internal_copy_index; exit $? ;;
  __dump_restore) shift; JOBS="$1"; internal_dump_restore; exit $? ;;
esac

while [ $# -gt 0 ]; do
  case "$1" in
    --reps) REPS="$2"; shift 2 ;;
    --jobs) JOBS="$2"; shift 2 ;;
    --note) NOTE="$2"; shift 2 ;;
    --only) ONLY="$2"; shift 2 ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
[ "$REPS" -ge 1 ] || die "--reps must be at least 1"
[ -f "$BENCH_DIR/scale" ] || die "no data set in $BENCH_DIR: run bench/gen-data.sh SCALE first"
SCALE="$(cat "$BENCH_DIR/scale")"
TOOLS=()
for t in "${ALL_TOOLS[@]}"; do
  if [ -z "$ONLY" ] || [[ ",$ONLY," == *",$t,"* ]]; then TOOLS+=("$t"); fi
done

clusters_up
mkdir -p "$BENCH_DIR/fullload" "$BENCH_DIR/logs" "$RESULTS_DIR"
src_value "$BENCH_DB" "SELECT 1" >/dev/null || die "database $BENCH_DB is missing on the source: run bench/gen-data.sh"

# The two biggest tables, and their schema for the bare COPY runs (made untimed, indexes timed).
src_value "$BENCH_DB" "SELECT c.relname FROM pg_class c WHERE c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace
                       ORDER BY pg_total_relation_size(c.oid) DESC LIMIT 2" > "$BENCH_DIR/fullload/big-tables"
dump_args=()
for t in $(big_tables); do dump_args+=(-t "public.$t"); done
pg_dump -Fc --schema-only "${dump_args[@]}" -h 127.0.0.1 -p "$SOURCE_PORT" -f "$BENCH_DIR/fullload/big-schema.dump" "$BENCH_DB"
DB_SIZE="$(src_value "$BENCH_DB" "SELECT pg_size_pretty(pg_database_size(current_database()))")"

# Row counts of the big tables on the source, to check every tool's result.
expected_counts() { for t in $(big_tables); do src_value "$BENCH_DB" "SELECT count(*) FROM public.$t"; done | paste -sd/; }
actual_counts() { for t in $(big_tables); do tgt_value "$BENCH_DB" "SELECT count(*) FROM public.$t" 2>/dev/null || echo missing; done | paste -sd/; }
EXPECTED="$(expected_counts)"

declare -A TIMES RSS CPU CHECK SKIPPED PHASES
PGFERRY_NOTE=""

run_tool() {
  local tool="$1" rep="$2" label="$1-$2"
  case "$tool" in
    pgferry|pgferry_count)
      [ -z "${SKIPPED[$tool]:-}" ] || return 0
      if [ ! -x "$PGFERRY_CLI" ]; then
        SKIPPED[$tool]=1; PGFERRY_NOTE="pgferry-cli not found at $PGFERRY_CLI (build it, or set PGFERRY_CLI)"; return 0
      fi
      reset_target_db nocreate
      local project="$BENCH_DIR/fullload/bench-$tool-$rep-$$.pgferry" verify=full
      [ "$tool" = pgferry ] || verify=count
      rm -f "$project"
      if ! "$PGFERRY_CLI" project new -o "$project" --name "bench-$tool-$rep-$$" --source "$SOURCE_ADMIN_URI" --target "$TARGET_ADMIN_URI" \
             --database "$BENCH_DB" --mode offline --jobs "$JOBS" --verify "$verify" >"$BENCH_DIR/logs/$label-project.log" 2>&1; then
        SKIPPED[$tool]=1
        PGFERRY_NOTE="\`pgferry-cli project new\` failed: $(tail -1 "$BENCH_DIR/logs/$label-project.log")"
        return 0
      fi
      timed "$label" "$PGFERRY_CLI" run "$project" --until "done" --json
      if [ "$TIMED_RC" -ne 0 ]; then
        SKIPPED[$tool]=1
        PGFERRY_NOTE="\`pgferry-cli run --until done\` exited with $TIMED_RC: $(tail -1 "$BENCH_DIR/logs/$label.log" | cut -c1-300)"
        return 0
      fi
      # Per-phase wall-clock times from the run log ("<phase> took N s"), for the results file.
      PHASES[$tool]+="$(tail -1 "$BENCH_DIR/logs/$label.log" | python3 -c '
import json, re, sys
log = json.loads(sys.stdin.read()).get("log", [])
out = []
for line in log:
    m = re.search(r": (.*) took ([0-9.]+) s$", line) or re.search(r": (index builds) took ([0-9.]+) s, ANALYZE ([0-9.]+) s and verification ([0-9.]+) s", line)
    if m and m.group(1) == "index builds":
        out.append("busy during load: indexes %s, ANALYZE %s, verify %s" % m.group(2, 3, 4))
    elif m:
        out.append("%s %s" % m.group(1, 2))
print("; ".join(out))
' 2>/dev/null || echo "(no phase times)")
"
      ;;
    pgcopydb)
      reset_target_db create
      rm -rf "$BENCH_DIR/fullload/pgcopydb"
      timed "$label" pgcopydb clone --source "$SOURCE_URI" --target "$TARGET_URI" --table-jobs "$JOBS" --index-jobs "$JOBS" \
        --dir "$BENCH_DIR/fullload/pgcopydb"
      ;;
    dump_restore)
      reset_target_db create
      timed "$label" "$0" __dump_restore "$JOBS"
      ;;
    copy_text|copy_binary|copy_text_index)
      reset_target_db create
      pg_restore --section=pre-data -h 127.0.0.1 -p "$TARGET_PORT" -d "$BENCH_DB" "$BENCH_DIR/fullload/big-schema.dump"
      if [ "$tool" = copy_text_index ]; then
        timed "$label" "$0" __copy_index "$JOBS"
      else
        timed "$label" "$0" __copy "${tool#copy_}" "$JOBS"
      fi
      ;;
  esac
  [ "$TIMED_RC" -eq 0 ] || die "$tool failed (exit $TIMED_RC): see $BENCH_DIR/logs/$label.log"
  local got
  got="$(actual_counts)"
  TIMES[$tool]+="$TIMED_SECONDS "
  RSS[$tool]+="$TIMED_RSS_KB "
  CPU[$tool]+="$TIMED_CPU "
  if [ "$got" = "$EXPECTED" ]; then CHECK[$tool]="${CHECK[$tool]:-ok}"; else CHECK[$tool]="MISMATCH ($got, want $EXPECTED)"; fi
  log "$tool run $rep: ${TIMED_SECONDS}s, machine CPU ${TIMED_CPU}s, peak RSS $((TIMED_RSS_KB / 1024)) MiB, rows ${got}"
}

log "full load: scale $SCALE ($DB_SIZE), $REPS runs of: ${TOOLS[*]}, $JOBS jobs"
for rep in $(seq 1 "$REPS"); do
  # Alternate: each round starts with a different tool, so none always runs on a cold or warm cache.
  n=${#TOOLS[@]}
  for i in $(seq 0 $((n - 1))); do
    run_tool "${TOOLS[$(((i + rep - 1) % n))]}" "$rep"
  done
done

med() { printf '%s\n' ${TIMES[$1]:-} | median; }
M_TEXT="$(med copy_text)"; M_INDEX="$(med copy_text_index)"; M_COPYDB="$(med pgcopydb)"

stamp="$(date +%Y%m%d-%H%M%S)"
out="$RESULTS_DIR/fullload-scale$SCALE-$stamp.md"
{
  echo "# Full load, scale $SCALE ($DB_SIZE), $JOBS jobs, median of $REPS"
  echo
  [ -z "$NOTE" ] || { echo "> $NOTE"; echo; }
  echo "- Date: $(date -u +'%Y-%m-%d %H:%M UTC')"
  machine_info
  echo "- Big tables (bare COPY): $(big_tables | paste -sd, | sed 's/,/, /g'); rows $EXPECTED"
  echo
  echo "| tool | median s | runs s | × bare COPY text | × bare COPY + indexes | × pgcopydb | machine CPU s | peak RSS MiB | rows |"
  echo "|---|---:|---|---:|---:|---:|---:|---:|---|"
  for tool in "${TOOLS[@]}"; do
    if [ -z "${TIMES[$tool]:-}" ]; then
      echo "| $tool | skipped | | | | | | | |"
      continue
    fi
    m="$(med "$tool")"
    peak="$(printf '%s\n' ${RSS[$tool]} | sort -n | tail -1)"
    echo "| $tool | $m | $(echo ${TIMES[$tool]} | sed 's/ /, /g') | $(ratio "$m" "$M_TEXT") | $(ratio "$m" "$M_INDEX") | $(ratio "$m" "$M_COPYDB") | $(printf '%s\n' ${CPU[$tool]} | median) | $((peak / 1024)) | ${CHECK[$tool]} |"
  done
  echo
  echo "Tools: **pgferry** \`pgferry-cli run --until done\` (offline, --jobs $JOBS, whole database), with the default"
  echo "verification (row counts and a checksum of every row on both sides); **pgferry_count** the same with"
  echo "\`--verify count\` (row counts only). pgcopydb and pg_dump/pg_restore do not verify;"
  echo "**pgcopydb** \`clone --table-jobs $JOBS --index-jobs $JOBS\` (whole database, includes its vacuum);"
  echo "**dump_restore** \`pg_dump -Fd -j$JOBS\` then \`pg_restore -j$JOBS\` (whole database);"
  echo "**copy_text / copy_binary** one \`psql COPY TO STDOUT | psql COPY FROM STDIN\` pipe per big table, in parallel,"
  echo "into tables created beforehand without indexes (untimed); **copy_text_index** the same in text plus"
  echo "\`pg_restore -j$JOBS --section=post-data\` for those tables. Machine CPU: median CPU seconds the whole machine (both servers, the tool, the kernel) spent during a run,"
  echo "from /proc/stat: the work a tool costs, which the wall-clock time on 2 cores hides. Peak RSS is the largest single client process."
  for tool in pgferry pgferry_count; do
    if [ -n "${TIMES[$tool]:-}" ]; then
      m="$(med "$tool")"
      echo
      echo "Targets (issue 9), $tool: ≤ 0.85 × pgcopydb: **$(ratio "$m" "$M_COPYDB")**;" \
           "≤ 1.15 × (bare COPY + indexes): **$(ratio "$m" "$M_INDEX")**."
      echo
      echo "$tool phases per run (wall-clock s, from its run log):"
      echo
      printf '%s' "${PHASES[$tool]:-}" | sed 's/^/- /'
    elif [[ " ${TOOLS[*]} " == *" $tool "* ]]; then
      echo
      echo "$tool skipped: ${PGFERRY_NOTE:-not run}"
    fi
  done
} > "$out"
log "results: $out"
cat "$out"
