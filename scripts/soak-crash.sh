#!/usr/bin/env bash
# Crash soak: the crash test (tests/tests/crash.rs) repeated with more messages and more kills,
# on SQLite and (when PAXRISK_TEST_DATABASE_URL is set, as by default here) PostgreSQL. Each
# round prints its seed; a failing round is rerun with PAXRISK_CRASH_SEED=SEED.
#   usage: scripts/soak-crash.sh [ROUNDS] [MESSAGES] [KILLS]   (defaults 5, 9000, 30)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}
export PAXRISK_CRASH_MESSAGES=${2:-9000} PAXRISK_CRASH_KILLS=${3:-30}
export PAXRISK_TEST_DATABASE_URL=${PAXRISK_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}
cargo build --locked -q -p paxrisk-server
failed=0
for r in $(seq "$rounds"); do
  echo "== round $r of $rounds: $PAXRISK_CRASH_MESSAGES messages, $PAXRISK_CRASH_KILLS kills"
  if ! cargo test --locked -q -p paxrisk-tests --test crash -- --nocapture --test-threads 1 >"/tmp/soak-crash-$r.txt" 2>&1; then
    failed=$((failed + 1))
    grep -E "panicked|seed" "/tmp/soak-crash-$r.txt" | head -10
  fi
  grep -E "^crash test on .*seed [0-9]+:" "/tmp/soak-crash-$r.txt" || true
done
echo "$((rounds - failed)) passed, $failed failed"
(( failed == 0 ))
