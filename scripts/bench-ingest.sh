#!/usr/bin/env bash
# End-to-end ingest throughput (travellers per second from raw bytes to loaded, screened and
# queued) on SQLite and PostgreSQL, with `paxrisk generate` traffic and the OFAC list loaded.
#   usage: scripts/bench-ingest.sh [FLIGHTS] [PAXRISK_BINARY]
# Needs a release build (cargo build --release) and, for PostgreSQL, a server on 127.0.0.1:5432.
set -euo pipefail
flights=${1:-40}
bin=${2:-${CARGO_TARGET_DIR:-target}/release/paxrisk}
ofac=$(dirname "$0")/../../shared/watchlists/ofac-sdn-2021
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$bin" generate --flights "$flights" --out "$work/traffic" --seed 7 >/dev/null
echo "machine: $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB; $(uname -sr)"
echo "traffic: $flights flights, $(ls "$work/traffic" | wc -l) files, $(du -sh "$work/traffic" | cut -f1)"
run() {
  local name=$1 url=$2
  # Each database has its own data directory, hence its own keyring (a keyring belongs to one
  # database).
  export PAXRISK_DATA_DIR="$work/data-$name"
  if [[ -d $ofac ]]; then RUST_LOG=warn "$bin" watchlist import --name ofac --format ofac "$ofac" --database "$url" >/dev/null 2>&1; fi
  echo "== $name"
  RUST_LOG=warn "$bin" ingest "$work/traffic" --database "$url" 2>/dev/null | tail -1
}
run sqlite "sqlite://$work/bench.db"
if pg_isready -h 127.0.0.1 -q 2>/dev/null; then
  db=paxrisk_bench_$$
  su postgres -c "createdb $db" 2>/dev/null || psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $db"
  run postgres "postgres://postgres@127.0.0.1:5432/$db"
  su postgres -c "dropdb $db" 2>/dev/null || psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE $db"
fi
