#!/usr/bin/env python3
"""The whole pipeline measured end to end (issue 10), side by side on SQLite and PostgreSQL.

For each configuration (SQLite with one server; PostgreSQL with one and with two servers) it
starts `paxrisk serve` on a copy of a database that already holds --preload travellers, pushes
`paxrisk generate` traffic over HTTP with `paxrisk-load` (many carrier clients) while officer
clients read the queue, waits until everything is screened, and reports:

  - sustained travellers/s from the first POST to the last message screened;
  - latency from POST to the review item in the queue (p50, p99), from the store's own clocks:
    the item's creation minus the receipt of the first message that carried its traveller;
  - queue API latency (p50, p99) seen by the officer clients while ingest runs;
  - database size per million travellers; peak memory (VmHWM) of each server process.

By default the carriers send as fast as they can, so the sustained figure is the server's
capacity and POST→queue mostly the waiting time of the backlog that builds up. With --rate they
send at that pace (travellers per second), and POST→queue is the latency of a load the server
keeps up with.

  usage: scripts/bench-e2e.py [--flights 80] [--preload 1000000] [--fill] [--configs sqlite,pg1,pg2]
                              [--rate TRAVELLERS_PER_S]
                              [--clients 8] [--officers 50] [--components] [--keep]

The preload goes through `paxrisk ingest` (generated traffic, realistic but slow: about as long as
the ingest benchmark takes for that many travellers), or with --fill is written in bulk by SQL
(scripts/fill-store.sh: made-up flights that arrived 60 to 2 days ago, shaped as ingest stores
them, with their links, hits, review items and audit rows), which takes minutes for a million.
Needs release binaries (`cargo build --release -p paxrisk-server -p paxrisk-load`), and for
PostgreSQL a server on 127.0.0.1:5432 (trust auth, user postgres) or --pg URL.
"""

import argparse
import datetime
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, text=True, capture_output=True, **kw)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def http_json(method, url, body=None, token=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.loads(r.read() or b"null")


class Store:
    """One database: SQLite file or PostgreSQL database, with a query helper."""

    def __init__(self, url):
        self.url = url

    @property
    def sqlite(self):
        return self.url.startswith("sqlite://")

    def query(self, sql):
        if self.sqlite:
            con = sqlite3.connect(self.url[len("sqlite://"):], timeout=60)
            try:
                return [tuple(r) for r in con.execute(sql).fetchall()]
            finally:
                con.close()
        out = run(["psql", self.url, "-XAtq", "-F", "\t", "-c", sql]).stdout
        return [tuple(line.split("\t")) for line in out.splitlines() if line]

    def size_bytes(self):
        if self.sqlite:
            path = self.url[len("sqlite://"):]
            files = [path, sqlite_audit_file(path)]
            return sum(os.path.getsize(p) for f in files for p in (f, f + "-wal")
                       if os.path.exists(p))
        return int(self.query("SELECT pg_database_size(current_database())")[0][0])


def pg_admin(server, sql):
    run(["psql", server, "-XAtq", "-c", sql])


def percentile(values, q):
    if not values:
        return 0.0
    values = sorted(values)
    i = min(len(values), max(1, int(-(-len(values) * q // 1)))) - 1
    return float(values[i])


def vm_hwm_mib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def sqlite_audit_file(path):
    """The audit log's file the server keeps beside a SQLite store: x/paxrisk.db -> x/paxrisk.audit.db."""
    stem, ext = os.path.splitext(path)
    return f"{stem}.audit{ext}"


def prepare(bin_dir, url, work, preload_dir, watchlist, fill=0):
    """Schema, the bulk fill (`fill` travellers), accounts and watchlist; then the preload traffic
    through `paxrisk ingest`."""
    pax = os.path.join(bin_dir, "paxrisk")
    env = dict(os.environ, RUST_LOG="warn", PAXRISK_DATA_DIR=os.path.join(work, "prep-data"))
    run([pax, "migrate", "--database", url], env=env)
    if fill:
        t0 = time.time()
        log(f"  filling {fill} travellers by SQL (scripts/fill-store.sh)...")
        run([os.path.join(HERE, "fill-store.sh"), url, str(fill), "-60", "-2"])
        log(f"  filled in {time.time() - t0:.0f} s")
    for user, role, extra in [
        ("bench-carrier", "airline", ["--carrier", "ZZ"]),
        ("bench-officer", "officer", []),
        ("bench-analyst", "analyst", []),
    ]:
        run([pax, "user", "add", "--username", user, "--role", role, *extra, "--database", url],
            input=PASSWORD + "\n", env=env)
    run([pax, "watchlist", "import", "--name", "demo", "--format", "csv", watchlist,
         "--database", url], env=env)
    if preload_dir:
        t0 = time.time()
        log(f"  preloading {preload_dir} (paxrisk ingest)...")
        run([pax, "ingest", preload_dir, "--database", url], env=env)
        log(f"  preloaded in {time.time() - t0:.0f} s")


PASSWORD = "Bench-Granite-Orchard-2026"


def start_servers(bin_dir, url, work, n):
    procs = []
    for i in range(n):
        port = free_port()
        data = os.path.join(work, f"data-{i}")
        os.makedirs(data, exist_ok=True)
        logf = open(os.path.join(work, f"server-{i}.log"), "w")
        env = dict(os.environ, RUST_LOG="warn", PAXRISK_DATA_DIR=data,
                   PAXRISK_WORKER_IDLE_MS="20")
        p = subprocess.Popen([os.path.join(bin_dir, "paxrisk"), "serve", "--bind",
                              f"127.0.0.1:{port}", "--database", url],
                             stdout=logf, stderr=logf, env=env)
        base = f"http://127.0.0.1:{port}"
        for _ in range(600):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise SystemExit(f"server {i} did not start; see {work}/server-{i}.log")
        procs.append((p, base))
    return procs


def measure(bin_dir, name, url, servers, work, traffic, args):
    store = Store(url)
    stored_before = int(store.query("SELECT count(*) FROM travellers")[0][0])
    procs = start_servers(bin_dir, url, work, servers)
    base = procs[0][1]
    login = lambda u: http_json("POST", base + "/api/v1/auth/login",
                                {"username": u, "password": PASSWORD})["token"]
    carrier, officer, analyst = login("bench-carrier"), login("bench-officer"), login("bench-analyst")
    if stored_before == 0 or not store.query("SELECT id FROM rules LIMIT 1"):
        for rule in json.load(open(os.path.join(ROOT, "fixtures/rules/examples.json"))):
            try:
                http_json("POST", base + "/api/v1/rules", rule, analyst)
            except OSError:
                pass
    # Let the re-screen of open flights that a rule change starts finish before measuring.
    wait_idle(store, 0, 600)
    cmd = [os.path.join(bin_dir, "paxrisk-load"), "--dir", traffic, "--clients", str(args.clients),
           "--officers", str(args.officers), "--duration", str(args.duration), "--wait", "1800"]
    if args.rate:
        cmd += ["--rate", str(args.rate)]
    for _, b in procs:
        cmd += ["--url", b]
    env = dict(os.environ, PAXRISK_LOAD_CARRIER_TOKEN=carrier, PAXRISK_LOAD_OFFICER_TOKEN=officer)
    log(f"  pushing with {args.clients} carrier and {args.officers} officer clients...")
    load = json.loads(run(cmd, env=env).stdout)
    first = load["first_post_ms"]
    done = wait_idle(store, first, 1800)
    rows = store.query(
        f"SELECT max(updated_at) FROM messages WHERE received_at >= {first}")
    last = int(rows[0][0] or done)
    seconds = max(1e-3, (last - first) / 1000)
    lat = [int(r[0]) for r in store.query(
        "SELECT ri.created_at - (SELECT min(v.received_at) FROM traveller_versions v "
        f"WHERE v.traveller_id = ri.traveller_id) FROM review_items ri WHERE ri.created_at >= {first}")
        if r[0] not in (None, "")]
    travellers = int(store.query("SELECT count(*) FROM travellers")[0][0])
    size = store.size_bytes()
    mem = [round(vm_hwm_mib(p.pid)) for p, _ in procs]
    for p, _ in procs:
        p.terminate()
        p.wait(timeout=30)
    failed = int(store.query(
        f"SELECT count(*) FROM messages WHERE received_at >= {first} AND state = 'failed'")[0][0])
    return {
        "config": name,
        "rate": args.rate,
        "servers": servers,
        "stored_before": stored_before,
        "messages": load["accepted"],
        "rejected": load["rejected"],
        "failed": failed,
        "travellers": load["travellers"],
        "seconds": round(seconds, 1),
        "travellers_per_s": round(load["travellers"] / seconds),
        "post_to_queue_p50_ms": percentile(lat, 0.5),
        "post_to_queue_p99_ms": percentile(lat, 0.99),
        "items": len(lat),
        "queue_p50_ms": load["queue_latency"]["p50_ms"],
        "queue_p99_ms": load["queue_latency"]["p99_ms"],
        "queue_requests": load["queue_latency"]["count"],
        "officers": load["officers"],
        "post_p99_ms": load["post_latency"]["p99_ms"],
        "db_mib_per_million": round(size / max(travellers, 1) * 1e6 / 2**20),
        "rss_mib": mem,
    }


def wait_idle(store, since, limit_s):
    t0 = time.time()
    while time.time() - t0 < limit_s:
        left = store.query(
            "SELECT (SELECT count(*) FROM messages WHERE state IN ('received', 'processing') "
            f"AND received_at >= {since}) + (SELECT count(*) FROM jobs)")
        if int(left[0][0]) == 0:
            return int(time.time() * 1000)
        time.sleep(0.1)
    raise SystemExit(f"still busy after {limit_s} s")


def components(args):
    """Criterion benches of the parts against what a team would otherwise pick."""
    quick = ["--", "--warm-up-time", "1", "--measurement-time", "4", "--noplot"]
    out = []
    for pkg, bench, flt in [("paxrisk-parsers", "parse", "generated"),
                            ("paxrisk-screening", "matcher", "flight of 400")]:
        r = subprocess.run(["cargo", "bench", "-q", "-p", pkg, "--bench", bench, *quick, flt],
                           cwd=ROOT, text=True, capture_output=True)
        out.append(r.stdout)
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--flights", type=int, default=80, help="flights of measured traffic")
    ap.add_argument("--preload", type=int, default=1_000_000, help="travellers stored before (about)")
    ap.add_argument("--fill", action="store_true",
                    help="write the preload in bulk by SQL instead of ingesting generated traffic")
    ap.add_argument("--configs", default="sqlite,pg1,pg2")
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--officers", type=int, default=50)
    ap.add_argument("--duration", type=int, default=900)
    ap.add_argument("--rate", type=float,
                    help="carriers send at this pace (travellers/s) instead of as fast as they can: "
                         "POST→queue latency of a load the server keeps up with, not of a backlog")
    ap.add_argument("--bin", default=os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "release"))
    ap.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432/postgres")
    ap.add_argument("--work", help="working folder (default: a new temporary one)")
    ap.add_argument("--components", action="store_true", help="also run the side-by-side criterion benches")
    ap.add_argument("--keep", action="store_true", help="keep the working folder")
    args = ap.parse_args()

    if args.rate is not None and not args.rate > 0:
        raise SystemExit(f"--rate {args.rate}: give a positive number of travellers per second")
    for b in ("paxrisk", "paxrisk-load"):
        if not os.access(os.path.join(args.bin, b), os.X_OK):
            raise SystemExit(f"{args.bin}/{b} is missing: cargo build --release -p paxrisk-server -p paxrisk-load")
    work = args.work or tempfile.mkdtemp(prefix="paxrisk-bench-")
    os.makedirs(work, exist_ok=True)
    pax = os.path.join(args.bin, "paxrisk")
    watchlist = os.path.join(ROOT, "fixtures/demo/watchlist.csv")
    today = datetime.date.today()
    log(f"machine: {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}; work folder {work}")

    traffic = os.path.join(work, "traffic")
    if not os.path.isdir(traffic):
        run([pax, "generate", "--flights", str(args.flights), "--out", traffic, "--seed", "11",
             "--date", str(today + datetime.timedelta(days=1)), "--plant", watchlist])
    preload = None
    fill = args.preload if args.fill else 0
    if args.preload > 0 and not args.fill:
        preload = os.path.join(work, "preload")
        if not os.path.isdir(preload):
            flights = max(1, round(args.preload / 285))
            log(f"generating {flights} flights (about {args.preload} travellers) to preload...")
            run([pax, "generate", "--flights", str(flights), "--out", preload, "--seed", "5",
                 "--date", str(today - datetime.timedelta(days=2)), "--plant", watchlist])

    results = []
    configs = [c.strip() for c in args.configs.split(",") if c.strip()]
    base_sqlite = os.path.join(work, f"base-{args.preload}{'-fill' if args.fill else ''}.db")
    base_pg = f"paxrisk_bench_base_{args.preload}{'_fill' if args.fill else ''}"
    server, _ = args.pg.rsplit("/", 1)
    for c in configs:
        log(f"== {c}")
        cwork = os.path.join(work, c)
        shutil.rmtree(cwork, ignore_errors=True)
        os.makedirs(cwork)
        if c == "sqlite":
            if not os.path.exists(base_sqlite):
                prepare(args.bin, "sqlite://" + base_sqlite, work, preload, watchlist, fill)
            db = os.path.join(cwork, "paxrisk.db")
            shutil.copy(base_sqlite, db)
            shutil.copy(sqlite_audit_file(base_sqlite), sqlite_audit_file(db))
            url, servers = "sqlite://" + db, 1
        elif c in ("pg1", "pg2"):
            exists = run(["psql", args.pg, "-XAtqc",
                          f"SELECT 1 FROM pg_database WHERE datname = '{base_pg}'"]).stdout.strip()
            if not exists:
                pg_admin(args.pg, f"CREATE DATABASE {base_pg}")
                try:
                    prepare(args.bin, f"{server}/{base_pg}", work, preload, watchlist, fill)
                except BaseException:
                    pg_admin(args.pg, f"DROP DATABASE {base_pg}")
                    raise
            name = f"paxrisk_bench_{c}_{os.getpid()}"
            pg_admin(args.pg, f"CREATE DATABASE {name} TEMPLATE {base_pg}")
            url, servers = f"{server}/{name}", int(c[2:])
        else:
            raise SystemExit(f"unknown configuration {c}: sqlite, pg1 or pg2")
        try:
            results.append(measure(args.bin, c, url, servers, cwork, traffic, args))
        finally:
            if url.startswith("postgres"):
                pg_admin(args.pg, f"DROP DATABASE IF EXISTS {url.rsplit('/', 1)[1]}")
        log(json.dumps(results[-1]))

    print(f"\nmachine: {os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f} at the end")
    print("| configuration | stored before | travellers sent | sustained trav/s | POST→queue p50 / p99 | "
          "queue API p50 / p99 (officers) | DB MiB per 1M travellers | peak RSS MiB per server |")
    print("|---|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['config']} ({r['servers']} server{'s' if r['servers'] > 1 else ''}) | "
              f"{r['stored_before']:,} | {r['travellers']:,} | {r['travellers_per_s']:,} | "
              f"{r['post_to_queue_p50_ms']:.0f} / {r['post_to_queue_p99_ms']:.0f} ms ({r['items']} items) | "
              f"{r['queue_p50_ms']:.1f} / {r['queue_p99_ms']:.1f} ms ({r['officers']}) | "
              f"{r['db_mib_per_million']:,} | {', '.join(str(m) for m in r['rss_mib'])} |")
    with open(os.path.join(work, "results.json"), "w") as f:
        json.dump(results, f, indent=2)
    if args.components:
        print(components(args))
    if not args.keep and not args.work:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
