#!/usr/bin/env bash
# Page timings with a million travellers stored (issue 9: "each page loads in under 200 ms server
# time with a million travellers stored"), on SQLite and PostgreSQL.
#   usage: scripts/bench-pages.sh [TRAVELLERS] [PAXRISK_BINARY] [REQUESTS_PER_PAGE]
#   env: BACKENDS="sqlite postgres" (the default), KEEP=FILE keeps a copy of the SQLite store.
#
# The store is filled in bulk by SQL, as scripts/bench-links.sh does (loading a million
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
last=$((n - 1))
flights=$(((n + 399) / 400))
now=$(date +%s%3N)
work=$(mktemp -d)
server=""
cleanup() {
  [[ -n $server ]] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
echo "machine: $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB; $(uname -sr); binary: $bin"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"

# The fill, in the dialect's row source `series_of` and id helpers (see the two callers).
fill_sql() {
  local tid=$1 fid=$2 mid=$3 bool_false=$4 bool_true=$5
  local span=$((6 * 86400000))
  local eta="($now - 3 * 86400000 + (CAST(i AS BIGINT) * $span) / $flights)"
  local b="(i*5/8)"
  local seat="((i % 400) / 6 + 1) || substr('ABCDEF', (i % 6) + 1, 1)"
  # What screening records per flight (flights.population): the 400 travellers below by
  # nationality (i % 5) and sex (i % 2), 40 of each of the ten pairs.
  local population='[["GBR","M",40],["FRA","F",40],["USA","M",40],["IND","F",40],["NLD","M",40],["GBR","F",40],["FRA","M",40],["USA","F",40],["IND","M",40],["NLD","F",40]]'

  cat <<SQL
INSERT INTO flights (id, flight_key, carrier, number, origin, destination, etd, eta, departure_local, arrival_local, direction, created_at, updated_at, population)
SELECT $fid, 'QZ|' || i || '|SIN|DXB', 'QZ', '' || (1000 + i), 'SIN', 'DXB', $eta - 21600000, $eta, '2026-11-29T10:00', '2026-11-29T16:00', 'inbound', $now, $now, '$population'
FROM $(series_of $((flights - 1)));
INSERT INTO messages (id, sha256, carrier, account_id, source, received_at, state, message_type, diagnostics, raw, size, attempts, lease_until, updated_at, order_key, load_order, raw_sealed)
SELECT $mid, 'bench' || i, 'QZ', NULL, 'api', $eta - 7200000, 'screened', 'PAXLST', '[]', NULL, 80000, 1, NULL, $now, NULL, i, $bool_false
FROM $(series_of $((flights - 1)));
INSERT INTO travellers (id, flight_id, identity_key, source, kind, surname, given_names, date_of_birth, gender, nationality, record_locator, data, message_id, masked, received_at, updated_at, person_key)
SELECT $tid, $(fid_of "i / 400"), 'k' || i, 'api', 'passenger', 'BENCHNAME' || (i % 20011), 'GIVEN' || (i % 997),
  (1950 + i % 55) || '-0' || (1 + i % 9) || '-1' || (i % 10), substr('MF', (i % 2) + 1, 1), substr('GBRFRAUSAINDNLD', (i % 5) * 3 + 1, 3), 'R' || $b,
  '{"kind":"passenger","surname":"BENCHNAME' || (i % 20011) || '","given_names":"GIVEN' || (i % 997) || '","seat":"' || $seat || '","record_locator":"R' || $b || '","documents":[{"type":"P","number":"BN' || i || '"}]}',
  $(mid_of "i / 400"), $bool_false, $now - 86400000, $now - 86400000, 'p' || (CASE WHEN i % 5 = 0 THEN i % 100000 ELSE i END)
FROM $(series_of $last);
INSERT INTO documents (id, traveller_id, doc_type, number, issuing_country, expiry)
SELECT 'd' || i, $tid, 'P', 'BN' || i, 'GBR', '2031-01-01' FROM $(series_of $last);
INSERT INTO hits (id, traveller_id, flight_id, kind, source_id, source_version, live, score, weight, reason, detail, created_at)
SELECT 'h' || i, $tid, $(fid_of "i / 400"), 'watchlist', 'bench', 1, $bool_true, 0.9, 100, 'bench list entry', '{}', $now - 86400000
FROM $(series_of $last) WHERE i % 250 = 7;
INSERT INTO review_items (id, traveller_id, flight_id, score, band, status, assignee, disposition, created_at, updated_at)
SELECT 'ri' || i, $tid, $(fid_of "i / 400"), 100, CASE WHEN i % 3 = 0 THEN 'high' ELSE 'medium' END,
  CASE WHEN i % 4 = 0 THEN 'new' ELSE 'closed' END, NULL, CASE WHEN i % 4 = 0 THEN NULL ELSE 'no_concern' END, $now - 86400000, $now - 86400000
FROM $(series_of $last) WHERE i % 250 = 7;
INSERT INTO audit_log (seq, at, actor, role, action, object, outcome, prev_hash, hash, purpose)
SELECT 1 + i, $now - 86400000 + i, 'bench', 'officer', 'traveller.read', 'traveller:t' || i, 'ok', 'x', 'x', NULL
FROM $(series_of 99999);
SQL
  local at="$now - 86400000"
  while IFS='#' read -r kind node; do
    echo "INSERT INTO links (node, traveller_id, source, kind, at) SELECT '$kind:' || ($node), $tid, 'api', '$kind', $at FROM $(series_of $last);"
  done <<LINKS
booking#$b
seat_row#(i / 400) || ':' || ((i % 400) / 6)
person#CASE WHEN i % 5 = 0 THEN i % 100000 ELSE i + 1000000 END
document#i
LINKS
  echo "INSERT INTO link_nodes (node, kind, label) SELECT node, min(kind), min(kind) FROM links GROUP BY node;"
}

run() {
  local name=$1 url=$2 fill=$3
  echo "== $name: filling $n travellers"
  "$bin" migrate --database "$url" >/dev/null
  local t0=$SECONDS
  "$fill"
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

sqlite_fill() {
  series_of() { echo "(WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < $1) SELECT i FROM s) AS n"; }
  fid_of() { echo "printf('f%05d', $1)"; }
  mid_of() { echo "printf('m%05d', $1)"; }
  { echo "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF; BEGIN;"
    fill_sql "printf('t%07d', i)" "printf('f%05d', i)" "printf('m%05d', i)" 0 1
    echo "COMMIT; ANALYZE;"; } | sqlite3 "$work/pages.db" >/dev/null
}
backends=${BACKENDS:-sqlite postgres}
if [[ " $backends " == *" sqlite "* ]]; then
  run sqlite "sqlite://$work/pages.db" sqlite_fill
  ls -la "$work/pages.db" | awk '{print "sqlite file: " int($5/1048576) " MiB"}'
  [[ -n ${KEEP:-} ]] && cp "$work/pages.db" "$KEEP"
  rm -f "$work"/pages.db*
fi

if [[ " $backends " == *" postgres "* ]] && pg_isready -h 127.0.0.1 -q 2>/dev/null; then
  db=paxrisk_bench_pages_$$
  psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $db"
  url="postgres://postgres@127.0.0.1:5432/$db"
  pg_fill() {
    series_of() { echo "generate_series(0, $1) AS n(i)"; }
    fid_of() { echo "'f' || lpad(($1)::text, 5, '0')"; }
    mid_of() { echo "'m' || lpad(($1)::text, 5, '0')"; }
    { echo "BEGIN;"
      fill_sql "'t' || lpad(i::text, 7, '0')" "'f' || lpad(i::text, 5, '0')" "'m' || lpad(i::text, 5, '0')" false true
      echo "SELECT setval(pg_get_serial_sequence('audit_log', 'seq'), 100000);"
      echo "COMMIT; VACUUM ANALYZE;"; } | psql -q -v ON_ERROR_STOP=1 "$url" >/dev/null
  }
  run postgres "$url" pg_fill
  psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE $db"
fi
