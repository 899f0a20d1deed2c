#!/usr/bin/env bash
# Fuzz the HTTP API from its own OpenAPI document (/api/v1/openapi.json) with schemathesis: a
# fresh server with some traffic, a watchlist and a rule, then one schemathesis run per caller
# (an admin's token, an analyst's, an airline's, and none). The check that must hold: no 5xx.
#
#   usage: scripts/fuzz-api.sh [SECONDS_PER_CALLER] [PAXRISK_BINARY]
#   defaults: 120 s, $CARGO_TARGET_DIR/debug/paxrisk (else target/debug/paxrisk)
#   env: FUZZ_DATABASE (a postgres:// URL of an existing empty database; default a SQLite file),
#        FUZZ_CHECKS (default not_a_server_error; `all` adds schema conformance, reported only),
#        FUZZ_CALLERS (default "admin analyst airline anonymous"),
#        FUZZ_KEEP=1 keeps the scratch folder (server log, schemathesis output per caller)
# Prints schemathesis's summary per caller and the server's 5xx count from its log; exits 1 on
# any 5xx. Needs python3 with pip (installs schemathesis from PyPI if missing).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-120}
bin=${2:-${CARGO_TARGET_DIR:-target}/debug/paxrisk}
checks=${FUZZ_CHECKS:-not_a_server_error}
callers=${FUZZ_CALLERS:-admin analyst airline anonymous}
[[ -x $bin ]] || { echo "no binary at $bin (cargo build first)"; exit 2; }
command -v schemathesis >/dev/null || pip install -q schemathesis
work=$(mktemp -d)
server=
cleanup() { [[ -n $server ]] && kill "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
[[ -n ${FUZZ_KEEP:-} ]] && trap '[[ -n $server ]] && kill "$server"; echo "kept $work"' EXIT
export PAXRISK_DATA_DIR=$work
db=${FUZZ_DATABASE:-sqlite://$work/fuzz.db}
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
base=http://127.0.0.1:$port
pw=Fuzzing-Granite-Orchard-2026
"$bin" user add --username fuzz-admin --role admin --database "$db" <<<"$pw" >/dev/null
"$bin" user add --username fuzz-analyst --role analyst --database "$db" <<<"$pw" >/dev/null
"$bin" user add --username fuzz-airline --role airline --carrier ZZ --database "$db" <<<"$pw" >/dev/null
"$bin" generate --flights 3 --out "$work/traffic" --seed 5 >/dev/null
"$bin" ingest "$work/traffic" --database "$db" >/dev/null 2>&1
"$bin" watchlist import --name fuzz --format csv fixtures/watchlists/e2e.csv --database "$db" >/dev/null
# Server log as plain text (one line per request: "%r %s %Dms").
RUST_LOG=info "$bin" serve --bind 127.0.0.1:$port --database "$db" >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 100); do curl -fs "$base/healthz" >/dev/null && break; sleep 0.2; done
login() {
  curl -fs "$base/api/v1/auth/login" -H 'Content-Type: application/json' \
    -d "{\"username\":\"fuzz-$1\",\"password\":\"$pw\"}" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}
curl -fs "$base/api/v1/rules" -H "Authorization: Bearer $(login analyst)" -H 'Content-Type: application/json' \
  -d '{"name":"fuzz rule","category":"test","severity":"low","weight":10,"state":"shadow","condition":{"field":"traveller.nationality","op":"eq","value":"NOR"}}' >/dev/null

# Each caller's credentials are given (or none): schemathesis must not sign itself up through
# POST /users and log in (it would turn the anonymous run into a signed-in one, and its sign-up
# step fails on request bodies given as `$ref`).
printf '[auth]\nauto-signup = false\n' >"$work/schemathesis.toml"
status=0
for caller in $callers; do
  auth=()
  [[ $caller != anonymous ]] && auth=(--header "Authorization: Bearer $(login "$caller")")
  echo "== schemathesis as $caller, ${seconds}s"
  # Logout, refresh and password changes end the run's own session (authz_matrix tests them).
  set +e
  # (run from the scratch folder: schemathesis leaves a .schemathesis/ cache where it runs)
  (cd "$work" && schemathesis run "$base/api/v1/openapi.json" "${auth[@]}" \
    --checks "$checks" --max-time "$seconds" --workers 2 \
    --exclude-path /api/v1/auth/logout --exclude-path /api/v1/auth/password \
    --exclude-path /api/v1/auth/refresh \
    --suppress-health-check all --no-color >"$work/st-$caller.txt" 2>&1)
  rc=$?
  set -e
  sed -n '/SUMMARY/,$p' "$work/st-$caller.txt" | head -40
  [[ $rc != 0 ]] && { echo "schemathesis exit $rc as $caller"; grep -B2 -A12 'Server error' "$work/st-$caller.txt" | head -60; status=1; }
done
# The server's own count, from its request log (one JSON line per request: "METHOD PATH HTTP/1.1 STATUS").
python3 - "$work/server.log" <<'PY' || status=1
import collections, json, re, sys
seen, errors = collections.Counter(), []
for line in open(sys.argv[1], errors="replace"):
    try:
        msg = json.loads(line).get("fields", {}).get("message", "")
    except ValueError:
        continue
    m = re.match(r"(\w+) (\S+) HTTP/[\d.]+ (\d{3})", msg)
    if m:
        seen[m.group(3)] += 1
        if m.group(3).startswith("5"):
            errors.append(msg)
print(f"server saw {sum(seen.values())} requests; by status: {dict(sorted(seen.items()))}; 5xx: {len(errors)}")
for e in errors[:20]:
    print("  ", e)
sys.exit(1 if errors else 0)
PY
kill -0 "$server" || { echo "the server died"; status=1; }
exit $status
