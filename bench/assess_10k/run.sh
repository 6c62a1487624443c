#!/usr/bin/env bash
# Benchmark: `pgferry-cli assess` on a source database with 10,000 tables (10% without a key, 1% unlogged,
# pairs differing only in case). Target: under 10 seconds. Throw-away sandbox clusters; removed at exit.
# Usage: bench/assess_10k/run.sh [path/to/pgferry-cli] [tables]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cli=${1:-$root/build/app/pgferry-cli}
tables=${2:-10000}
runs=${RUNS:-3}
[ -x "$cli" ] || { echo "build pgferry-cli first (cmake --build build --target pgferry-cli)" >&2; exit 1; }

work=$(mktemp -d /tmp/pgferry-bench-assess-XXXXXX)
chmod 755 "$work"
cleanup() { "$cli" sandbox down --dir "$work/sandbox" --remove >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT

echo "== sandbox in $work/sandbox" >&2
"$cli" sandbox up --dir "$work/sandbox" >/dev/null 2>"$work/sandbox-up.log" || { cat "$work/sandbox-up.log" >&2; exit 1; }
status=$("$cli" sandbox status --dir "$work/sandbox" --json)
src=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["source"]["uri"])' "$status")
tgt=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["target"]["uri"])' "$status")
srcdb=$(python3 -c 'import sys,urllib.parse as u; p=u.urlsplit(sys.argv[1]); print(u.urlunsplit((p.scheme,p.netloc,"/bench10k",p.query,"")))' "$src")

echo "== creating $tables tables" >&2
psql -X -q -v ON_ERROR_STOP=1 "$src" -c "CREATE DATABASE bench10k"
psql -X -q -v ON_ERROR_STOP=1 "$srcdb" -c "CREATE SCHEMA bench"
t0=$(date +%s.%N)
for ((start = 1; start <= tables; start += 1000)); do
  end=$((start + 999)); [ $end -gt "$tables" ] && end=$tables
  # One transaction per 1000 tables keeps within max_locks_per_transaction.
  psql -X -q -v ON_ERROR_STOP=1 "$srcdb" <<SQL
DO \$\$
BEGIN
  FOR i IN $start..$end LOOP
    EXECUTE format('CREATE %s TABLE bench.%I (id int %s, v text)',
                   CASE WHEN i % 100 = 0 THEN 'UNLOGGED' ELSE '' END,
                   CASE WHEN i % 500 = 0 THEN 'T' || i ELSE 't' || i END,
                   CASE WHEN i % 10 = 0 THEN '' ELSE 'PRIMARY KEY' END);
  END LOOP;
END
\$\$;
SQL
done
psql -X -q -v ON_ERROR_STOP=1 "$srcdb" -c "CREATE TABLE bench.\"T1\" (id int PRIMARY KEY)"
count=$(psql -X -At "$srcdb" -c "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'bench' AND c.relkind = 'r'")
echo "   $count tables in $(python3 -c "print(round($(date +%s.%N) - $t0, 1))") s" >&2

project="$work/bench.pgferry"
if ! "$cli" project new -o "$project" --name assess-10k --source "$src" --target "$tgt" --database bench10k >/dev/null 2>&1; then
  # Until `project new` is in this build: the version 1 format written directly.
  python3 - "$src" "$tgt" "$project" <<'PY'
import json, sys, uuid, urllib.parse as u
def profile(uri):
    p = u.urlsplit(uri); q = dict(u.parse_qsl(p.query))
    d = {"host": p.hostname, "port": p.port or 5432, "user": u.unquote(p.username or ""),
         "database": (p.path or "/postgres")[1:] or "postgres"}
    for k in ("sslmode", "sslrootcert", "passfile"):
        if k in q: d[k] = q[k]
    return d
json.dump({"format": "pgferry-project", "version": 1, "id": str(uuid.uuid4()), "name": "assess-10k",
           "mode": "online", "engine": "local", "source": profile(sys.argv[1]), "target": profile(sys.argv[2]),
           "databases": [{"name": "bench10k"}]}, open(sys.argv[3], "w"), indent=2)
PY
fi

echo "== pgferry-cli assess ($runs runs)" >&2
times=()
for ((r = 1; r <= runs; r++)); do
  s=$(date +%s.%N)
  set +e
  "$cli" assess "$project" --json >"$work/assess.json" 2>"$work/assess.err"
  rc=$?
  set -e
  e=$(date +%s.%N)
  if [ $rc -ne 0 ] && [ $rc -ne 3 ]; then cat "$work/assess.err" >&2; exit 1; fi
  t=$(python3 -c "print(f'{$e - $s:.2f}')")
  times+=("$t")
  echo "   run $r: $t s (exit $rc)" >&2
done
summary=$(python3 - "$work/assess.json" <<'PY'
import json, sys
o = json.load(open(sys.argv[1]))
by = {c["id"]: c for c in o["checks"] if c["severity"] != "pass"}
pk = by.get("table.primary_key", {}).get("objects", [])
un = by.get("table.unlogged", {}).get("objects", [])
nc = by.get("table.name_case", {}).get("objects", [])
print(f'{len(o["checks"])} checks, {o["blockers"]} blockers; table.primary_key lists {len(pk)} tables, '
      f'table.unlogged {len(un)}, table.name_case {len(nc)}')
PY
)
best=$(printf '%s\n' "${times[@]}" | sort -n | head -1)
median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")
echo "tables=$count best=${best}s median=${median}s runs=${times[*]}"
echo "$summary"
