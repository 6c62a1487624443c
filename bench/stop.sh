#!/usr/bin/env bash
# Stops the benchmark clusters; with --clean also deletes $BENCH_DIR (clusters, logs, scratch).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cluster_down source
cluster_down target
if [ "${1:-}" = --clean ]; then
  rm -rf "$BENCH_DIR"
  log "removed $BENCH_DIR"
fi
log "benchmark clusters stopped"
