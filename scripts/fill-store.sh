#!/usr/bin/env bash
# Fills a migrated paxrisk store with made-up travellers in bulk, by SQL: what page and pipeline
# benchmarks need stored before they measure (loading a million travellers through ingest would
# measure ingest, and take long).
#   usage: scripts/fill-store.sh URL TRAVELLERS [FROM_DAYS TO_DAYS]
#   URL: sqlite:///path/to/file.db or postgres://...; the schema must exist (`paxrisk migrate`).
#   FROM_DAYS, TO_DAYS: the flights arrive from FROM_DAYS to TO_DAYS days from now (default -3 3;
#   flights that arrived over a day ago are closed, so rule changes do not re-screen them).
#
# Flights of 400 travellers, with documents, seats and bookings, one screened message per flight,
# the links load derives (booking, seat row, same person, document), one traveller in 250 flagged
# with a review item (a quarter still open), the population each flight's screening records, and
# 100,000 audit rows. Ids are t0000000 (travellers), f00000 (flights), m00000 (messages): a store
# is filled once. Needs sqlite3, or psql for PostgreSQL.
set -euo pipefail
if [[ $# -lt 2 || ! $2 =~ ^[0-9]+$ || $2 -lt 1 ]]; then
  echo "usage: scripts/fill-store.sh URL TRAVELLERS [FROM_DAYS TO_DAYS] (TRAVELLERS a positive number)" >&2
  exit 2
fi
url=$1
n=$2
from_days=${3:--3}
to_days=${4:-3}
last=$((n - 1))
flights=$(((n + 399) / 400))
now=$(date +%s%3N)

# The fill, in the dialect's row source `series_of` and id helpers (see the two callers).
fill_sql() {
  local tid=$1 fid=$2 mid=$3 bool_false=$4 bool_true=$5
  local span=$(((to_days - from_days) * 86400000))
  local start=$((now + from_days * 86400000))
  local eta="($start + (CAST(i AS BIGINT) * $span) / $flights)"
  local b="(i*5/8)"
  local seat="((i % 400) / 6 + 1) || substr('ABCDEF', (i % 6) + 1, 1)"
  # What screening records per flight (flights.population): the 400 travellers below by
  # nationality (i % 5) and sex (i % 2), 40 of each of the ten pairs.
  local population='[["GBR","M",40],["FRA","F",40],["USA","M",40],["IND","F",40],["NLD","M",40],["GBR","F",40],["FRA","M",40],["USA","F",40],["IND","M",40],["NLD","F",40]]'

  cat <<SQL
INSERT INTO flights (id, flight_key, carrier, number, origin, destination, etd, eta, departure_local, arrival_local, direction, created_at, updated_at, population)
SELECT $fid, 'QZ|' || i || '|SIN|DXB', 'QZ', '' || (1000 + i), 'SIN', 'DXB', $eta - 21600000, $eta, '2026-11-29T10:00', '2026-11-29T16:00', 'inbound', $now, $now, '$population'
FROM $(series_of $((flights - 1)));
INSERT INTO messages (id, sha256, carrier, account_id, source, received_at, state, message_type, diagnostics, size, attempts, lease_until, updated_at, order_key, load_order)
SELECT $mid, 'bench' || i, 'QZ', NULL, 'api', $eta - 7200000, 'screened', 'PAXLST', '[]', 80000, 1, NULL, $now, NULL, i
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

case $url in
  sqlite://*)
    series_of() { echo "(WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < $1) SELECT i FROM s) AS n"; }
    fid_of() { echo "printf('f%05d', $1)"; }
    mid_of() { echo "printf('m%05d', $1)"; }
    # The audit log is in a file of its own beside the main one (paxrisk.db -> paxrisk.audit.db).
    db=${url#sqlite://}
    base=$(basename "$db")
    if [[ $base == ?*.* ]]; then audit="$(dirname "$db")/${base%.*}.audit.${base##*.}"; else audit="$db.audit"; fi
    { echo "ATTACH '${audit//\'/\'\'}' AS audit; PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF; PRAGMA audit.synchronous=OFF; BEGIN;"
      fill_sql "printf('t%07d', i)" "printf('f%05d', i)" "printf('m%05d', i)" 0 1
      echo "COMMIT; ANALYZE;"; } | sqlite3 "$db" >/dev/null
    ;;
  postgres://* | postgresql://*)
    series_of() { echo "generate_series(0, $1) AS n(i)"; }
    fid_of() { echo "'f' || lpad(($1)::text, 5, '0')"; }
    mid_of() { echo "'m' || lpad(($1)::text, 5, '0')"; }
    { echo "BEGIN;"
      fill_sql "'t' || lpad(i::text, 7, '0')" "'f' || lpad(i::text, 5, '0')" "'m' || lpad(i::text, 5, '0')" false true
      echo "SELECT setval(pg_get_serial_sequence('audit_log', 'seq'), (SELECT max(seq) FROM audit_log));"
      echo "COMMIT; VACUUM ANALYZE;"; } | psql -q -v ON_ERROR_STOP=1 "$url" >/dev/null
    ;;
  *)
    echo "fill-store.sh: URL must start with sqlite:// or postgres://" >&2
    exit 2
    ;;
esac
