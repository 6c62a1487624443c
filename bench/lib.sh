# shellcheck shell=bash disable=SC2034  # variables are used by the scripts that source this file
# Shared helpers for the benchmark scripts: two local PostgreSQL clusters (source and target),
# psql wrappers, and a timer that records elapsed seconds and peak RSS with /usr/bin/time -v.
# Sourced by gen-data.sh, run-fullload.sh and run-cdc-drain.sh; not meant to run on its own.

set -euo pipefail

BENCH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$BENCH_ROOT/.." && pwd)"

# Where the clusters and scratch files live. Under /tmp so that the postgres user can reach it.
BENCH_DIR="${BENCH_DIR:-/tmp/pgferry-bench}"
SOURCE_PORT="${SOURCE_PORT:-55401}"
TARGET_PORT="${TARGET_PORT:-55402}"
BENCH_DB="${BENCH_DB:-bench}"
PG_BINDIR="${PG_BINDIR:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}"
# Each side's server binaries: a cross-major benchmark sets them, e.g. to the cache of
# scripts/install-postgres-versions (SOURCE_BINDIR=/var/cache/pgferry/postgres/10/bin). The client
# tools (psql, pg_dump, pgbench) stay PG_BINDIR's.
SOURCE_BINDIR="${SOURCE_BINDIR:-$PG_BINDIR}"
TARGET_BINDIR="${TARGET_BINDIR:-$PG_BINDIR}"
# Durable servers by default (issue 21): the servers' defaults (fsync, full_page_writes,
# synchronous_commit on), as production servers run. BENCH_DURABLE=0: fsync off on both (the older
# figures' setting, which flatters a tool's own syncs), labelled so in the results.
BENCH_DURABLE="${BENCH_DURABLE:-1}"
PGFERRY_CLI="${PGFERRY_CLI:-$REPO_ROOT/build/app/pgferry-cli}"
RESULTS_DIR="${RESULTS_DIR:-$BENCH_ROOT/results}"

export PATH="$PG_BINDIR:$PATH"
export PGUSER=postgres
unset PGPASSWORD PGDATABASE PGHOST PGPORT
export PGOPTIONS="-c client_min_messages=warning"

SOURCE_URI="postgresql://postgres@127.0.0.1:$SOURCE_PORT/$BENCH_DB"
TARGET_URI="postgresql://postgres@127.0.0.1:$TARGET_PORT/$BENCH_DB"
# pgferry projects name the server by its maintenance database and pick databases with --database.
SOURCE_ADMIN_URI="postgresql://postgres@127.0.0.1:$SOURCE_PORT/postgres"
TARGET_ADMIN_URI="postgresql://postgres@127.0.0.1:$TARGET_PORT/postgres"

log() { printf '%s bench: %s\n' "$(date +%T)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# Runs a command as the postgres user when we are root (initdb and the server refuse root).
as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

cluster_dir() { echo "$BENCH_DIR/$1"; }

# cluster_up NAME PORT: initdb when missing, then start. Both clusters get the same settings; the
# source also gets wal_level=logical. Durable unless BENCH_DURABLE=0; every tool runs against the
# same settings.
cluster_bindir() { if [ "$1" = source ]; then echo "$SOURCE_BINDIR"; else echo "$TARGET_BINDIR"; fi; }

cluster_up() {
  local name="$1" port="$2" dir bindir
  dir="$(cluster_dir "$name")"
  bindir="$(cluster_bindir "$name")"
  [ -x "$bindir/initdb" ] || die "no PostgreSQL server binaries under $bindir: run scripts/install-deps (or scripts/install-postgres-versions)"
  mkdir -p "$BENCH_DIR"
  if [ "$(id -u)" -eq 0 ]; then chown postgres: "$BENCH_DIR"; fi
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    log "creating the $name cluster in $dir (port $port)"
    as_postgres mkdir -p "$dir"
    as_postgres "$bindir/initdb" -D "$dir/data" -U postgres -E UTF8 --locale=C.UTF-8 --auth=trust -N >/dev/null
    as_postgres tee -a "$dir/data/postgresql.conf" >/dev/null <<EOF
# pgferry benchmark settings
port = $port
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
max_connections = 100
shared_buffers = 256MB
maintenance_work_mem = 256MB
max_wal_size = 8GB
checkpoint_timeout = 30min
wal_level = logical
max_replication_slots = 20
max_wal_senders = 20
logging_collector = off
log_min_messages = warning
EOF
    if [ "$("$bindir/postgres" --version | awk '{ print $3 }' | cut -d. -f1)" -ge 10 ]; then
      printf 'max_logical_replication_workers = 8\nmax_sync_workers_per_subscription = 2\n' | as_postgres tee -a "$dir/data/postgresql.conf" >/dev/null
    fi
    if [ "$BENCH_DURABLE" != 1 ]; then
      printf 'fsync = off\nfull_page_writes = off\nsynchronous_commit = off\n' | as_postgres tee -a "$dir/data/postgresql.conf" >/dev/null
    fi
  fi
  if ! as_postgres "$bindir/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
    as_postgres "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 120 start >/dev/null \
      || die "cannot start the $name cluster: see $dir/server.log"
  fi
}

cluster_down() {
  local dir
  dir="$(cluster_dir "$1")"
  if [ -f "$dir/data/PG_VERSION" ]; then
    as_postgres "$(cluster_bindir "$1")/pg_ctl" -D "$dir/data" -w -m fast stop >/dev/null 2>&1 || true
  fi
}

clusters_up() {
  cluster_up source "$SOURCE_PORT"
  cluster_up target "$TARGET_PORT"
}

# psql on the source or target: src_psql DB [psql args...]
src_psql() { local db="$1"; shift; psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$SOURCE_PORT" -d "$db" "$@"; }
tgt_psql() { local db="$1"; shift; psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$TARGET_PORT" -d "$db" "$@"; }
src_value() { src_psql "$1" -At -c "$2"; }
tgt_value() { tgt_psql "$1" -At -c "$2"; }

# drop_database src|tgt NAME: connections ended first (DROP DATABASE … WITH (FORCE) is 13+ only, and
# a cross-major benchmark's source may be older).
drop_database() {
  local psqlf="${1}_psql" db="$2"
  local tries=0
  until "$psqlf" postgres -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '$db' AND pid <> pg_backend_pid()" \
          -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1; do
    tries=$((tries + 1))
    [ $tries -lt 20 ] || { "$psqlf" postgres -c "DROP DATABASE IF EXISTS $db"; return; } # says why
    sleep 0.25 # a terminated session takes a moment to go
  done
}

# An empty target database (dropped first, connections forced out).
reset_target_db() {
  drop_database tgt "$BENCH_DB"
  if [ "${1:-create}" = create ]; then
    tgt_psql postgres -c "CREATE DATABASE $BENCH_DB"
  fi
}

# timed LABEL CMD...: runs CMD under /usr/bin/time -v. Sets TIMED_SECONDS, TIMED_RSS_KB, TIMED_CPU
# (machine-wide CPU seconds) and TIMED_RC. Output of CMD goes to $BENCH_DIR/logs/LABEL.log. Peak RSS is that of the largest single
# process among CMD and its children (getrusage semantics), not the sum of a pipeline.
timed() {
  local label="$1"; shift
  local logdir="$BENCH_DIR/logs" tfile
  mkdir -p "$logdir"
  tfile="$logdir/$label.time"
  local cpu0 cpu1
  cpu0="$(machine_cpu_ticks)"
  set +e
  /usr/bin/time -v -o "$tfile" "$@" >"$logdir/$label.log" 2>&1
  TIMED_RC=$?
  set -e
  cpu1="$(machine_cpu_ticks)"
  # CPU seconds the whole machine spent (servers, clients, kernel) while the command ran: the work a
  # tool costs, which wall-clock time on 2 shared cores hides.
  TIMED_CPU="$(awk -v a="$cpu0" -v b="$cpu1" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", (b - a) / hz }')"
  TIMED_SECONDS="$(awk -F': ' '/Elapsed \(wall clock\)/ {
      n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.3f", s }' "$tfile")"
  TIMED_RSS_KB="$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$tfile")"
}

# Busy CPU ticks of the whole machine so far (user, nice, system, irq, softirq; not idle or iowait).
machine_cpu_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8; exit }' /proc/stat; }

# median of numbers on stdin, one per line
median() {
  sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) { print "" } else if (NR % 2) { print a[(NR + 1) / 2] } else { printf "%.3f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 } }'
}

# ratio A B -> A/B with two decimals, or "–" when either is missing
ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b + 0 == 0) print "–"; else printf "%.2f", a / b }'
}

# Stable machine description for the results header.
machine_info() {
  echo "- Machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM, $(uname -sr)"
  echo "- PostgreSQL: source $("$SOURCE_BINDIR/postgres" --version | awk '{ print $3 }'), target $("$TARGET_BINDIR/postgres" --version | awk '{ print $3 }') (both on this machine, $([ "$BENCH_DURABLE" = 1 ] && echo "durable: fsync, full_page_writes and synchronous_commit on" || echo "fsync=off"))"
  echo "- pgcopydb: $(pgcopydb --version 2>&1 | awk '/^pgcopydb version/ { print $3; exit }')"
}
