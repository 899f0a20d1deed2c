#!/usr/bin/env bash
# Link analysis: the 2-hop neighbourhood of a traveller (the service function behind
# GET /api/v1/travellers/{id}/links) with 1,000,000 travellers stored, on SQLite and PostgreSQL.
#   usage: scripts/bench-links.sh [TRAVELLERS] [PAXRISK_BINARY]
# The store is filled in bulk by SQL (loading a million travellers through ingest takes minutes
# and measures ingest, not the query): 2,500 flights of 400, bookings of one or two, and per
# traveller the links load derives: booking, phone (80% of bookings, 5% shared with another
# booking), e-mail (2% shared), card (75%, a few shared), agency (45% of bookings over 3,000
# agencies: hubs of ~150 travellers, shown and not crossed), seat row (8 a row), same person (20%
# of travellers in groups of 10 trips) and document; ~100 watchlist hits. Needs a release build
# (cargo build --release -p paxrisk-server) and, for PostgreSQL, a server on 127.0.0.1:5432.
set -euo pipefail
n=${1:-1000000}
bin=${2:-${CARGO_TARGET_DIR:-target}/release/paxrisk}
last=$((n - 1))
flights=$(((n + 399) / 400))
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "machine: $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB; $(uname -sr); load before: $(cut -d' ' -f1-3 /proc/loadavg)"

# $1: the row source of 0..last as `n(i)` (dialect), $2: an id expression printf-like helper.
fill_sql() {
  local series=$1 tid=$2 fid=$3 bool=$4
  local b="(i*5/8)"
  cat <<SQL
INSERT INTO flights (id, flight_key, carrier, number, origin, destination, etd, eta, departure_local, arrival_local, direction, created_at, updated_at)
SELECT $fid, 'ZZ|' || i || '|SIN|DXB|2026-11-29', 'ZZ', '' || i, 'SIN', 'DXB', 1796000000000 + i * 60000, 1796020000000 + i * 60000, '2026-11-29T10:00', '2026-11-29T16:00', 'inbound', 0, 0
FROM $(series_of $((flights - 1)) "$series");
INSERT INTO travellers (id, flight_id, identity_key, source, kind, surname, given_names, data, message_id, masked, received_at, updated_at)
SELECT $tid, $(fid_of "i / 400"), 'k' || i, 'pnr', 'passenger', 'BENCH', 'TRAVELLER ' || i, '{}', 'bench', $bool, 0, 0
FROM $(series_of $last "$series");
SQL
  local at="1796000000000 + (i / 400) * 60000"
  while IFS='#' read -r kind node cond; do
    echo "INSERT INTO links (node, traveller_id, source, kind, at) SELECT '$kind:' || ($node), $tid, 'pnr', '$kind', $at FROM $(series_of $last "$series") WHERE $cond;"
  done <<LINKS
booking#$b#1=1
phone#CASE WHEN $b % 20 = 1 THEN (($b % 50000) * 7919) % 400000 ELSE $b END#$b % 5 <> 0
email#CASE WHEN $b % 50 = 3 THEN $b - 1 ELSE $b END#1=1
card#CASE WHEN $b % 97 = 0 THEN $b % 5000 ELSE $b END#$b % 4 <> 0
agency#$b % 3000#$b % 20 < 9
seat_row#(i / 400) || ':' || ((i % 400) / 8)#1=1
person#CASE WHEN i % 5 = 0 THEN i % 100000 ELSE i + 1000000 END#1=1
document#i#1=1
LINKS
  cat <<SQL
INSERT INTO link_nodes (node, kind, label) SELECT node, min(kind), min(kind) FROM links GROUP BY node;
INSERT INTO hits (id, traveller_id, flight_id, kind, source_id, source_version, live, score, weight, reason, detail, created_at)
SELECT 'h' || i, $tid, $(fid_of "i / 400"), 'watchlist', 'bench', 1, NOT $bool, 0.9, 100, 'bench', '{}', 0
FROM $(series_of $last "$series") WHERE i % 10007 = 0;
SQL
}

run() {
  local name=$1 url=$2
  echo "== $name: filling $n travellers"
  "$bin" migrate --database "$url" >/dev/null
  local t0=$SECONDS
  "$3"
  echo "filled in $((SECONDS - t0)) s; load: $(cut -d' ' -f1-3 /proc/loadavg)"
  RUST_LOG=warn "$bin" links bench --hops 2 --samples 200 --database "$url"
  RUST_LOG=warn "$bin" links bench --hops 3 --samples 50 --database "$url"
  # What screening computes for a rule on links.hops_to_hit: all 400 travellers of a flight.
  RUST_LOG=warn "$bin" links bench --hops 2 --screen-flights 10 --database "$url"
  echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
}

sqlite_fill() {
  series_of() { echo "(WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < $1) SELECT i FROM s) AS n"; }
  fid_of() { echo "printf('f%05d', $1)"; }
  { echo "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF; BEGIN;"
    fill_sql sqlite "printf('t%07d', i)" "printf('f%05d', i)" 0
    echo "COMMIT; ANALYZE;"; } | sqlite3 "$work/bench.db" >/dev/null
}
run sqlite "sqlite://$work/bench.db" sqlite_fill
ls -la "$work/bench.db" | awk '{print "sqlite file: " int($5/1048576) " MiB"}'
[[ -n ${KEEP:-} ]] && cp "$work/bench.db" "$KEEP" && cp "$work/bench.audit.db" "${KEEP%.*}.audit.${KEEP##*.}" || true
rm -f "$work"/bench.db* "$work"/bench.audit.db*

if pg_isready -h 127.0.0.1 -q 2>/dev/null; then
  db=paxrisk_bench_links_$$
  psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $db"
  url="postgres://postgres@127.0.0.1:5432/$db"
  pg_fill() {
    series_of() { echo "generate_series(0, $1) AS n(i)"; }
    fid_of() { echo "'f' || lpad(($1)::text, 5, '0')"; }
    { echo "BEGIN;"
      fill_sql pg "'t' || lpad(i::text, 7, '0')" "'f' || lpad(i::text, 5, '0')" false
      echo "COMMIT; VACUUM ANALYZE;"; } | psql -q "$url" >/dev/null
  }
  run postgres "$url" pg_fill
  psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE $db"
fi
