#!/usr/bin/env bash
# Page timings with a million travellers stored (issue 9: "each page loads in under 200 ms server
# time with a million travellers stored"), on SQLite and PostgreSQL.
#   usage: scripts/bench-pages.sh [TRAVELLERS] [PAXRISK_BINARY] [REQUESTS_PER_PAGE]
#   env: BACKENDS="sqlite postgres" (the default), KEEP=FILE keeps a copy of the SQLite store (and FILE with .audit before its extension, its audit log).
#
# The store is filled in bulk by SQL (scripts/fill-store.sh), as scripts/bench-links.sh does (loading a million
# travellers through ingest measures ingest, not the pages): flights of 400 arriving from three
# days ago to three days ahead, made-up travellers with documents, seats and bookings, one message
# per flight, the links load derives (booking, seat row, same person, document), one traveller in
# 250 flagged with a review item (a quarter still open), the population each flight's screening
# records, and 100,000 audit rows. Then `paxrisk
# demo` adds its real traffic, watchlist, rules and accounts on top and serves; every page is
# fetched REQUESTS_PER_PAGE times as the demo admin (who may open every page) and the server time
# of each response is read from its `Server-Timing` header. Needs sqlite3, psql for PostgreSQL
# (skipped when no server listens on 127.0.0.1:5432), python3.
set -euo pipefail
n=${1:-1000000}
bin=${2:-${CARGO_TARGET_DIR:-target}/release/paxrisk}
requests=${3:-15}
flights=$(((n + 399) / 400))
work=$(mktemp -d)
server=""
cleanup() {
  [[ -n $server ]] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
echo "machine: $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB; $(uname -sr); binary: $bin"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"

run() {
  local name=$1 url=$2
  echo "== $name: filling $n travellers"
  "$bin" migrate --database "$url" >/dev/null
  local t0=$SECONDS
  "$(dirname "$0")/fill-store.sh" "$url" "$n"
  echo "filled in $((SECONDS - t0)) s; load: $(cut -d' ' -f1-3 /proc/loadavg)"
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  PAXRISK_DATA_DIR="$work/data-$name" PAXRISK_KEYRING="$work/keyring-$name" RUST_LOG=warn \
    "$bin" demo --database "$url" --bind "127.0.0.1:$port" --flights 12 >"$work/demo-$name.out" 2>"$work/demo-$name.err" &
  server=$!
  for _ in $(seq 600); do
    grep -q "demo-admin" "$work/demo-$name.out" 2>/dev/null && curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break
    kill -0 "$server" 2>/dev/null || { cat "$work/demo-$name.err" >&2; exit 1; }
    sleep 1
  done
  local password
  password=$(awk '/demo-admin/ {print $NF}' "$work/demo-$name.out")
  # A bulk flight in the middle of the window, and a flagged traveller on it.
  local mid=$((flights / 2))
  python3 - "http://127.0.0.1:$port" "$password" "$requests" "$(printf 'f%05d' $mid)" "$(printf 't%07d' $((mid * 400 + 7)))" <<'PY'
import json, statistics, sys, time, urllib.request
base, password, requests, bulk_flight, bulk_traveller = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
def call(path, body=None, token=None, cookie=None):
    req = urllib.request.Request(base + path, data=None if body is None else json.dumps(body).encode(),
                                 headers={'Content-Type': 'application/json'})
    if token: req.add_header('Authorization', 'Bearer ' + token)
    if cookie: req.add_header('Cookie', 'paxrisk_session=' + cookie)
    t0 = time.perf_counter()
    with urllib.request.urlopen(req, timeout=120) as r:
        data = r.read()
        timing = r.headers.get('Server-Timing', '')
    wall = (time.perf_counter() - t0) * 1000
    server = float(timing.split('dur=')[1]) if 'dur=' in timing else float('nan')
    return data, server, wall
token = json.loads(call('/api/v1/auth/login', {'username': 'demo-admin', 'password': password})[0])['token']
def listed(body, *keys):
    for k in keys:
        if isinstance(body, dict) and k in body: return body[k]
    return body if isinstance(body, list) else []
# A flight of the demo's real traffic (the bulk flights are carrier QZ) and a flagged traveller on it.
flights = listed(json.loads(call('/api/v1/flights', token=token)[0]), 'flights', 'items')
demo_flights = [f['id'] for f in flights if f.get('carrier') != 'QZ']
demo_item = None
for f in demo_flights:
    items = json.loads(call(f'/api/v1/queue?flight={f}&all=true&limit=1', token=token)[0])['items']
    if items: demo_item = items[0]; break
if demo_item is None: sys.exit('no flagged traveller in the demo traffic')
traveller = demo_item['traveller']['id']
demo_flight = demo_item['flight']['id']
messages = listed(json.loads(call('/api/v1/messages', token=token)[0]), 'messages', 'items')
message = next((m['id'] for m in messages if not m['id'].startswith('m0')), None)
rules = listed(json.loads(call('/api/v1/rules', token=token)[0]), 'rules', 'items')
lists = listed(json.loads(call('/api/v1/watchlists', token=token)[0]), 'watchlists', 'items')
pages = ['/queue', '/queue?status=closed', '/flights', f'/flights/{demo_flight}', f'/flights/{bulk_flight}',
         f'/travellers/{traveller}', f'/travellers/{bulk_traveller}', f'/travellers/{traveller}/links',
         f'/travellers/{bulk_traveller}/links', '/messages'] + ([f'/messages/{message}'] if message else []) + \
        ['/watchlists'] + [f"/watchlists/{l['id']}" for l in lists[:1]] + \
        ['/rules', '/rules/new', '/rules/report'] + [f"/rules/{r['id']}" for r in rules[:1]] + \
        ['/retention', '/unmask', '/audit', '/carriers', '/admin']
print(f"{'page':40} {'server ms p50':>14} {'p95':>8} {'max':>8} {'wall ms p50':>12} {'KiB':>6}")
for p in pages:
    try:
        call(p, cookie=token)  # first fetch: caches warm, not counted
        runs = [call(p, cookie=token) for _ in range(requests)]
    except Exception as e:
        print(f"{p:40} failed: {e}")
        continue
    server = sorted(r[1] for r in runs); wall = sorted(r[2] for r in runs)
    p95 = server[min(len(server) - 1, int(round(0.95 * (len(server) - 1))))]
    print(f"{p:40} {statistics.median(server):14.1f} {p95:8.1f} {server[-1]:8.1f} {statistics.median(wall):12.1f} {len(runs[0][0]) // 1024:6}")
PY
  kill "$server"; wait "$server" 2>/dev/null || true; server=""
  echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
}

backends=${BACKENDS:-sqlite postgres}
if [[ " $backends " == *" sqlite "* ]]; then
  run sqlite "sqlite://$work/pages.db"
  ls -la "$work/pages.db" | awk '{print "sqlite file: " int($5/1048576) " MiB"}'
  [[ -n ${KEEP:-} ]] && cp "$work/pages.db" "$KEEP" && cp "$work/pages.audit.db" "${KEEP%.*}.audit.${KEEP##*.}"
  rm -f "$work"/pages.db* "$work"/pages.audit.db*
fi

if [[ " $backends " == *" postgres "* ]] && pg_isready -h 127.0.0.1 -q 2>/dev/null; then
  db=paxrisk_bench_pages_$$
  psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $db"
  url="postgres://postgres@127.0.0.1:5432/$db"
  run postgres "$url"
  psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE $db"
fi
