#!/usr/bin/env bash
# A real PostgreSQL outage: stops the local cluster with pg_ctlcluster while a sender posts
# messages, starts it again, and checks that every message acknowledged with 202 is processed.
# The CI test `tests/tests/outage.rs` does the same through a TCP proxy, without touching the
# server; this script is for your own machine, where stopping PostgreSQL harms nobody.
#
#   usage: scripts/outage-postgres.sh [OUTAGE_SECONDS] [MESSAGES] [PAXRISK_BINARY]
#   defaults: 30 s, 300 messages, $CARGO_TARGET_DIR/debug/paxrisk
#   env: PG_CLUSTER ("15 main"; default: the first of pg_lsclusters), PG_URL (server URL,
#        default postgres://postgres@127.0.0.1:5432/postgres)
#
# DO NOT run it on a machine whose PostgreSQL others use: it stops the whole cluster.
set -euo pipefail
outage=${1:-30}
count=${2:-300}
bin=${3:-${CARGO_TARGET_DIR:-target}/debug/paxrisk}
pg_url=${PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}
cluster=${PG_CLUSTER:-$(pg_lsclusters -h | awk 'NR==1 {print $1, $2}')}
[[ -x $bin ]] || { echo "no binary at $bin (cargo build first)"; exit 2; }
[[ -n $cluster ]] || { echo "no PostgreSQL cluster found (pg_lsclusters)"; exit 2; }

work=$(mktemp -d)
db=paxrisk_outage_$$
url=${pg_url%/*}/$db
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
base=http://127.0.0.1:$port
server=
cleanup() {
  [[ -n $server ]] && kill "$server" 2>/dev/null || true
  pg_ctlcluster $cluster start 2>/dev/null || true
  psql "$pg_url" -qc "DROP DATABASE IF EXISTS $db" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

psql "$pg_url" -qc "CREATE DATABASE $db"
export PAXRISK_DATA_DIR=$work PAXRISK_LEASE_SECONDS=${PAXRISK_LEASE_SECONDS:-10}
echo 'Outage-Test-Password-2026' | "$bin" user add --username outage-airline --role airline --carrier ZZ --database "$url" >/dev/null
"$bin" generate --flights $(( (count + 9) / 10 )) --out "$work/traffic" --seed 11 >/dev/null
"$bin" serve --bind 127.0.0.1:$port --database "$url" >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 100); do curl -fs "$base/healthz" >/dev/null && break; sleep 0.2; done
token=$(curl -fs "$base/api/v1/auth/login" -H 'Content-Type: application/json' \
  -d '{"username":"outage-airline","password":"Outage-Test-Password-2026"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')

# The sender: every file until it gets its 202; counts what it saw.
send() {
  local n=0 s503=0 retry=0 other=0
  for f in $(ls "$work/traffic" | head -n "$count"); do
    while :; do
      code=$(curl -s -o "$work/body" -D "$work/headers" -w '%{http_code}' --max-time 60 \
        -H "Authorization: Bearer $token" --data-binary "@$work/traffic/$f" "$base/api/v1/messages" || echo 000)
      if [[ $code == 202 ]]; then n=$((n + 1)); python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$work/body" >>"$work/acked"; break; fi
      if [[ $code == 503 ]]; then s503=$((s503 + 1)); grep -qi '^retry-after:' "$work/headers" && retry=$((retry + 1)); fi
      [[ $code != 503 && $code != 000 ]] && other=$((other + 1)) && echo "unexpected $code: $(head -c 200 "$work/body")"
      sleep 1
    done
  done
  echo "sender: $n acknowledged, $s503 answered 503 ($retry with Retry-After), $other other non-202"
}
send & sender=$!
sleep 3
echo "== stopping PostgreSQL ($cluster) for ${outage}s"
pg_ctlcluster $cluster stop -m fast
sleep "$outage"
kill -0 "$server" || { echo "FAIL: paxrisk exited during the outage"; exit 1; }
echo "== starting PostgreSQL"
pg_ctlcluster $cluster start
wait $sender
acked=$(sort -u "$work/acked" | wc -l)
for _ in $(seq 300); do
  waiting=$(psql "$url" -tAc "SELECT COUNT(*) FROM messages WHERE state IN ('received','processing')")
  [[ $waiting == 0 ]] && break
  sleep 1
done
stored=$(psql "$url" -tAc "SELECT COUNT(*) FROM messages")
processed=$(psql "$url" -tAc "SELECT COUNT(*) FROM messages WHERE state IN ('loaded','screened')")
failed=$(psql "$url" -tAc "SELECT COUNT(*) FROM messages WHERE state = 'failed'")
twice=$(psql "$url" -tAc "SELECT COUNT(*) FROM (SELECT traveller_id, message_id FROM traveller_versions GROUP BY 1, 2 HAVING COUNT(*) > 1) d")
echo "acknowledged $acked, stored $stored, processed $processed, failed $failed, waiting $waiting, loaded twice $twice"
missing=0
while read -r id; do
  [[ $(psql "$url" -tAc "SELECT COUNT(*) FROM messages WHERE id = '$id'") == 1 ]] || missing=$((missing + 1))
done < <(sort -u "$work/acked")
echo "acknowledged but not stored: $missing"
grep -c 'database unavailable' "$work/server.log" | sed 's/^/log lines "database unavailable": /'
if [[ $missing == 0 && $waiting == 0 && $twice == 0 && $stored == "$acked" ]]; then echo "PASS"; else echo "FAIL"; exit 1; fi
