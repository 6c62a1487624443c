#!/usr/bin/env bash
# Creates the issue-9 benchmark data set in the source cluster (and starts both clusters):
#   pgbench -i -s SCALE, plus public.docs with SCALE * 20,000 rows of jsonb, bytea and text
#   (600,000 rows at scale 30, about 634 MB in all). Deterministic: no random().
# Usage: bench/gen-data.sh SCALE        (environment: see bench/README.md)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SCALE="${1:-}"
[[ "$SCALE" =~ ^[0-9]+$ ]] && [ "$SCALE" -ge 1 ] || { echo "usage: $0 SCALE   (e.g. 30 for the issue-9 data set, 1 to try)" >&2; exit 2; }
DOC_ROWS=$((SCALE * 20000))

clusters_up
log "recreating database $BENCH_DB on the source (scale $SCALE, $DOC_ROWS docs rows)"
drop_database src "$BENCH_DB"
src_psql postgres -c "CREATE DATABASE $BENCH_DB"
pgbench -h 127.0.0.1 -p "$SOURCE_PORT" -i -s "$SCALE" -q "$BENCH_DB" 2>&1 | tail -1 >&2

src_psql "$BENCH_DB" <<SQL
CREATE TABLE public.docs (
    id bigint PRIMARY KEY,
    body jsonb NOT NULL,
    blob bytea,
    note text
);
INSERT INTO public.docs
SELECT g,
       jsonb_build_object('id', g, 'name', 'doc ' || g, 'tags', jsonb_build_array('t' || g % 7, 't' || g % 11),
                          'score', (g % 1000) / 10.0, 'active', g % 3 = 0),
       decode(md5(g::text) || md5((g + 1)::text), 'hex'),
       repeat(md5((g * 7)::text), 2)
FROM generate_series(1, $DOC_ROWS) g;
CREATE INDEX docs_note ON public.docs (note);
VACUUM ANALYZE;
SQL

size="$(src_value "$BENCH_DB" "SELECT pg_size_pretty(pg_database_size(current_database()))")"
echo "$SCALE" > "$BENCH_DIR/scale"
log "done: database $BENCH_DB is $size (source $SOURCE_URI)"
