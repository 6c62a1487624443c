# Sourced by scripts/test and scripts/test-selftest: runs ctest with its log kept, and adds what it
# reports to the run's summary. Callers do not use `set -e` (a failing ctest is a result, not an
# abort) and call ctest_summary_init first.
#
#   failures   steps that failed (any makes scripts/test exit non-zero)
#   passed     tests and checks that passed
#   failed     tests and checks that failed
#   summary    one "ok: NAME" / "FAILED: NAME" line per step

ctest_summary_init() {
  failures=0
  passed=0
  failed=0
  summary=()
}

# A step that is one check rather than a ctest run: counted as one passed or failed test.
record_check() { # name, exit status
  if [ "$2" -eq 0 ]; then
    passed=$((passed + 1)); summary+=("ok: $1")
  else
    failed=$((failed + 1)); failures=$((failures + 1)); summary+=("FAILED: $1")
  fi
}

# Adds a finished ctest run to the summary, from its log and its exit status.
record_ctest_log() { # name, log, ctest's exit status
  local name=$1 log=$2 rc=$3 total fail
  total=$(grep -Eo 'tests failed out of [0-9]+' "$log" | grep -Eo '[0-9]+$' | tail -1)
  fail=$(grep -Eo '[0-9]+ tests failed' "$log" | grep -Eo '^[0-9]+' | tail -1)
  total=${total:-0}; fail=${fail:-0}
  if ! grep -q 'tests failed out of' "$log"; then
    # ctest found nothing for this label (not a failure), or crashed (its status says so)
    if grep -q 'No tests were found' "$log"; then rc=0; fi
  fi
  passed=$((passed + total - fail)); failed=$((failed + fail))
  if [ "$rc" -ne 0 ] || [ "$fail" -ne 0 ]; then
    failures=$((failures + 1)); summary+=("FAILED: $name")
  else
    summary+=("ok: $name")
  fi
}

# Runs COMMAND (a ctest, possibly wrapped), shows its progress lines, keeps its whole output in LOG.
run_logged_ctest() { # name, log, command...
  local name=$1 log=$2; shift 2
  "$@" 2>&1 | tee "$log" | grep -E '^\s*[0-9]+/[0-9]+ Test|tests passed|FAIL|Error'
  # The status of the command itself, the first of the pipeline, read before anything else runs:
  # `|| true` after the pipeline would replace PIPESTATUS with true's, and pipefail makes a failing
  # ctest run it, so a failed run used to read as passed.
  local status=("${PIPESTATUS[@]}")
  record_ctest_log "$name" "$log" "${status[0]}"
}

run_ctest() { # name, build dir, ctest args...
  local name=$1 dir=$2; shift 2
  run_logged_ctest "$name" "$dir/ctest-$name.log" ctest --test-dir "$dir" --output-on-failure --timeout 900 "$@"
}
