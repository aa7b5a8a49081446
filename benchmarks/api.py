"""API latency under load: the clue queue and indicator search, SQLite and PostgreSQL side by side.

    python benchmarks/api.py [--clues 100000] [--indicators 1000000] [--sightings 200000]
                             [--clients 50] [--seconds 20] [--warmup 3] [--workers 1]
                             [--backends sqlite,postgresql]

Each scenario runs at saturation (a closed loop) and paced (`--pace`, see below). For each
backend a fresh store is built (see ``benchmarks/api_store.py``: a unit tree from the
real GB/T 2260 divisions, the indicators, some sightings, clues spread over the county units with
one creation event each, an analyst and unit officers at city units with one API token each)
and the real server is started for each scenario (``uvicorn jingwang.api.server:app`` in a
subprocess, as ``jingwang serve`` runs it, without the per-request access log).  Then
``--clients`` clients, each on its own keep-alive connection and with no pause between requests
(a closed loop), run each scenario for ``--warmup`` seconds unrecorded and ``--seconds``
recorded:

queue   a unit officer's queue (``GET /api/clues``): pushed clues first, then the other filters
        an officer uses (status, category, urgency, one county under it, the second page).
search  the analyst's indicator search (``GET /api/indicators?q=``): stored values, stored phones
        written as people write them ('138 1234 5678', '0086…'), domains inside a URL, and
        values that are not stored.

Latency is measured at the client, from sending the request to reading the whole answer, for
every request that ends or begins in the measured window: failed ones too, and one the client
gives up on after ``--timeout`` seconds counts as that long, so that a stall shows.  req/s
counts the 2xx answers that arrive in the window.  Non-2xx answers and client-side errors are
counted and printed, with the exceptions the server logged.  Each client is a thread with its
own keep-alive httpx connection; the server, the database and the clients share this machine,
and the CPU each used is printed (with what the rest of the machine took).

Every token is used once just before each scenario, so that the write of its ``last_used_at``
(at most once a minute per token) does not fall inside the window: with 50 concurrent requests
on one token that write is a lock every one of them waits for (``--no-touch`` leaves it to
chance).  The server's own once-a-minute escalation of overdue clues runs as in
``jingwang serve``; the world's pushed clues fall due only after the run.

PostgreSQL runs in its own database (``--pg-db``, created and dropped here) on 127.0.0.1:5432;
it is skipped, with the reason printed, when it does not answer.  The target is p99 < 100 ms.
The last line printed is the summary.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.exc import SQLAlchemyError

sys.path.insert(0, str(Path(__file__).resolve().parent))

from api_store import World, make_world, populate
from jingwang.categories import CATEGORIES
from jingwang.store.db import dispose_engines

HOST = "127.0.0.1"
TARGET_P99_MS = 100.0
PG_ADMIN_USERS = ("postgres", "root")
SCENARIOS = ("queue", "search")


def scenarios(args: argparse.Namespace) -> list[tuple[str, str, float]]:
    """(name, request kind, seconds between one client's requests): each kind at saturation
    (no pause: the closed loop that finds the server's ceiling) and at each ``--pace``, where
    each client sends a request every that many seconds, as officers and analysts working a
    console do."""
    out = [(kind, kind, 0.0) for kind in SCENARIOS]
    for pace in args.paces:
        out += [(f"{kind}@{pace:g}s", kind, pace) for kind in SCENARIOS]
    return out


# The last line of a traceback in the server's log: "sqlalchemy.exc.TimeoutError: QueuePool …".
_EXCEPTION = re.compile(r"^[\w.]*(?:Error|Exception|Timeout)\w*: .*$", re.MULTILINE)


class Unavailable(RuntimeError):
    """A backend that cannot be measured here (PostgreSQL not answering)."""


# --- load ----------------------------------------------------------------------------------------

def _proc_cpu(pid: int) -> float:
    """CPU seconds (user + system) of process ``pid`` and its children still running."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    pids = [pid]
    with contextlib.suppress(OSError):
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                with contextlib.suppress(OSError):
                    stat = Path(f"/proc/{entry}/stat").read_text()
                    if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                        pids.append(int(entry))
    for p in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def _postgres_cpu() -> float:
    """CPU seconds of every process named ``postgres`` (the server and its backends)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError):
                head, _, tail = Path(f"/proc/{entry}/stat").read_text().rpartition(")")
                if head.endswith("(postgres"):
                    fields = tail.split()
                    total += (int(fields[11]) + int(fields[12])) / tick
    return total


def _machine_cpu() -> tuple[float, float]:
    """(busy, total) jiffies of the whole machine."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


@dataclass
class LoadResult:
    latencies: list[float] = field(default_factory=list)     # ms, requests in the window
    ok_in_window: int = 0       # 2xx answers that arrived in the window
    codes: Counter[int] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    samples: list[str] = field(default_factory=list)        # first non-2xx answers
    server_errors: Counter[str] = field(default_factory=Counter)  # exceptions in the log
    seconds: float = 0.0
    server_cpu: float = 0.0     # cores the server used in the window
    client_cpu: float = 0.0     # cores this (client) process used
    postgres_cpu: float = 0.0   # cores PostgreSQL's processes used
    machine_cpu: float = 0.0    # share of all the machine's cores busy

    def pct(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]

    @property
    def other_cpu(self) -> float:
        return max(0.0, self.machine_cpu * (os.cpu_count() or 1) - self.server_cpu
                   - self.postgres_cpu - self.client_cpu)

    @property
    def rate(self) -> float:
        """2xx answers a second."""
        return self.ok_in_window / self.seconds if self.seconds else 0.0

    @property
    def bad(self) -> int:
        return sum(n for code, n in self.codes.items() if not 200 <= code < 300) + \
            sum(self.errors.values())


Picker = Callable[[random.Random, int], tuple[str, str]]


def _run_load(port: int, server_pid: int, pick: Picker, clients: int, warmup: float,
              seconds: float, timeout: float, seed: int, pace: float = 0.0) -> LoadResult:
    """``clients`` threads, each a keep-alive httpx client looping over requests (one every
    ``pace`` seconds when given).  Every request that ends (answered, failed or given up) in
    the window or begins in it is recorded, so that a stall shows in the percentiles; the
    rate counts the 2xx answers that arrive in the window.

    Threads with httpx, not one asyncio loop with a hand-written client: on the same server
    under the same paced load the asyncio client measured a p99 two to five times the threads'
    (250–340 ms against 47–150 ms), in requests the server had answered in a few ms."""
    result = LoadResult(seconds=seconds)
    lock = threading.Lock()
    t0 = time.perf_counter()
    start, end = t0 + warmup, t0 + warmup + seconds

    def client(i: int) -> None:
        rng = random.Random(seed * 1_000 + i)
        if pace:  # clients start spread over one pace, not all at once
            time.sleep(rng.uniform(0, pace))
        with httpx.Client(base_url=f"http://{HOST}:{port}", timeout=timeout) as http:
            while (began := time.perf_counter()) < end:
                path, token = pick(rng, i)
                status, body, error = 0, b"", ""
                try:
                    answer = http.get(path, headers={"Authorization": f"Bearer {token}",
                                                     "Accept": "application/json"})
                    status, body = answer.status_code, answer.content
                except httpx.TimeoutException:
                    error = f"timeout (>{timeout:g} s)"
                except httpx.HTTPError as exc:
                    error = type(exc).__name__
                done = time.perf_counter()
                if done >= start:  # not warm-up
                    with lock:
                        result.latencies.append((done - began) * 1000)
                        if error:
                            result.errors[error] += 1
                        else:
                            result.codes[status] += 1
                            if 200 <= status < 300 and done <= end:
                                result.ok_in_window += 1
                            elif not 200 <= status < 300 and len(result.samples) < 5:
                                result.samples.append(f"{status} {path}: {body[:200]!r}")
                if pace:  # the next request one pace after this one began
                    time.sleep(max(0.0, began + pace - time.perf_counter()))

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for t in threads:
        t.start()
    time.sleep(max(0.0, start - time.perf_counter()))
    s0, p0, m0, c0, w0 = _proc_cpu(server_pid), _postgres_cpu(), _machine_cpu(), \
        time.process_time(), time.perf_counter()
    time.sleep(max(0.0, end - time.perf_counter()))
    s1, p1, m1, c1, w1 = _proc_cpu(server_pid), _postgres_cpu(), _machine_cpu(), \
        time.process_time(), time.perf_counter()
    for t in threads:
        t.join(timeout + 5)
    result.server_cpu = (s1 - s0) / (w1 - w0)
    result.postgres_cpu = (p1 - p0) / (w1 - w0)
    result.client_cpu = (c1 - c0) / (w1 - w0)
    result.machine_cpu = (m1[0] - m0[0]) / max(1, m1[1] - m0[1])
    return result


def queue_picker(world: World) -> Picker:
    """An officer's queue requests: client ``i`` is officer ``i mod n``."""
    categories = list(CATEGORIES)

    def pick(rng: random.Random, i: int) -> tuple[str, str]:
        officer = world.officers[i % len(world.officers)]
        x = rng.random()
        if x < 0.40:
            query = "status=pushed&limit=50"
        elif x < 0.55:
            query = "limit=50"
        elif x < 0.65:
            query = f"status={rng.choice(('received', 'verified', 'case_filed'))}&limit=50"
        elif x < 0.75:
            query = f"category={rng.choice(categories)}&limit=50"
        elif x < 0.82:
            query = "urgency=immediate&limit=50"
        elif x < 0.92:
            query = f"unit={rng.choice(officer.reach_codes)}&status=pushed&limit=50"
        else:
            query = "status=pushed&limit=50&offset=50"
        return f"/api/clues?{query}", officer.token

    return pick


def search_picker(world: World) -> Picker:
    queries = [f"/api/indicators?q={quote(q, safe='')}" for q, _ in world.queries]

    def pick(rng: random.Random, i: int) -> tuple[str, str]:
        return rng.choice(queries), world.analyst_token

    return pick


# --- the server --------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve(url: str, workers: int, log: Path, token: str) -> Iterator[tuple[int, int]]:
    """uvicorn serving ``jingwang.api.server:app`` over ``url``; yields (port, pid)."""
    port = _free_port()
    env = {**os.environ, "JINGWANG_DB": url, "JINGWANG_SECRET": "bench-api-secret"}
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "jingwang.api.server:app", "--host", HOST,
             "--port", str(port), "--workers", str(workers), "--log-level", "warning",
             "--no-access-log"], env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"the server exited ({proc.returncode}):\n"
                                   + log.read_text(errors="replace")[-2000:])
            try:
                answer = httpx.get(f"http://{HOST}:{port}/api/clues?limit=1",
                                   headers={"Authorization": f"Bearer {token}"}, timeout=5)
                if answer.status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not answer within 90 s:\n"
                                   + log.read_text(errors="replace")[-2000:])
            time.sleep(0.3)
        yield port, proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def sanity(port: int, world: World) -> str:
    """Check the answers before the load: queues hold clues, hits are found, misses are not."""
    base = f"http://{HOST}:{port}"
    pushed, totals = [], []
    with httpx.Client(base_url=base, timeout=30) as client:
        for officer in world.officers:
            auth = {"Authorization": f"Bearer {officer.token}"}
            r = client.get("/api/clues", params={"status": "pushed", "limit": 50}, headers=auth)
            r.raise_for_status()
            pushed.append(r.json()["total"])
            totals.append(client.get("/api/clues", params={"limit": 1},
                                     headers=auth).json()["total"])
        auth = {"Authorization": f"Bearer {world.analyst_token}"}
        wrong, hits = [], 0
        for q, expect in world.queries[:60]:
            r = client.get("/api/indicators", params={"q": q}, headers=auth)
            r.raise_for_status()
            found = bool(r.json()["results"])
            hits += found
            if found != expect:
                wrong.append(q)
    if not any(pushed) or wrong:
        raise RuntimeError(f"unexpected answers: {sum(pushed)} pushed clues in the queues; "
                           f"searches found or missed against expectation: {wrong[:5]}")
    return (f"queues: {min(totals)}–{max(totals)} clues per officer "
            f"(mean {sum(totals) / len(totals):.0f}), {min(pushed)}–{max(pushed)} pushed; "
            f"search: {hits}/60 sample queries found, as expected")


def touch_tokens(port: int, world: World) -> None:
    """One request per token, so that no token's once-a-minute ``last_used_at`` write falls in
    the scenario that follows (see ``--no-touch``)."""
    with httpx.Client(base_url=f"http://{HOST}:{port}", timeout=60) as client:
        for token in [world.analyst_token, *(o.token for o in world.officers)]:
            client.get("/api/clues", params={"limit": 1},
                       headers={"Authorization": f"Bearer {token}"})


# --- backends ----------------------------------------------------------------------------------

@contextlib.contextmanager
def sqlite_store(work: Path) -> Iterator[str]:
    yield f"sqlite:///{work / 'bench_api.db'}"


@contextlib.contextmanager
def postgres_store(db: str) -> Iterator[str]:
    """A fresh database ``db``, dropped afterwards; :class:`Unavailable` when PostgreSQL does
    not answer."""
    admin, errors = None, []
    for user in PG_ADMIN_USERS:
        try:  # ImportError: psycopg is not installed
            engine = create_engine(f"postgresql+psycopg://{user}@{HOST}:5432/test",
                                   isolation_level="AUTOCOMMIT")
        except ImportError as exc:
            raise Unavailable(f"no PostgreSQL driver: {exc}") from exc
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            admin = (engine, user)
            break
        except SQLAlchemyError as exc:
            errors.append(f"{user}: {str(exc).splitlines()[0]}")
            engine.dispose()
    if admin is None:
        raise Unavailable("PostgreSQL at 127.0.0.1:5432 does not answer (" + "; ".join(errors)
                          + ")")
    engine, user = admin
    try:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{db}"'))
        yield f"postgresql+psycopg://{user}@{HOST}:5432/{db}"
    finally:
        dispose_engines()
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)'))
        engine.dispose()


def run_backend(name: str, url: str, world: World, args: argparse.Namespace,
                work: Path) -> dict[str, LoadResult]:
    t = time.perf_counter()
    steps = populate(url, world)
    dispose_engines()
    took = time.perf_counter() - t
    detail = ", ".join(f"{k} {v:.1f}" for k, v in steps.items())
    print(f"{name}: populated in {took:.1f} s ({detail})", flush=True)
    results: dict[str, LoadResult] = {}
    # A fresh server for each scenario, so that one scenario's stall cannot spill into the next.
    pickers = {"queue": queue_picker(world), "search": search_picker(world)}
    for i, (scenario, kind, pace) in enumerate(scenarios(args)):
        picker = pickers[kind]
        log = work / f"server-{name}-{scenario}.log"
        with serve(url, args.workers, log, world.officers[0].token) as (port, pid):
            if i == 0:
                print(f"{name}: {sanity(port, world)}", flush=True)
            if args.touch:
                touch_tokens(port, world)
            gc.collect()
            mark = log.stat().st_size
            result = _run_load(port, pid, picker, args.clients, args.warmup, args.seconds,
                               args.timeout, args.seed, pace)
        with log.open("rb") as f:
            f.seek(mark)
            written = f.read().decode(errors="replace")
        result.server_errors.update(m.group(0)[:160] for m in _EXCEPTION.finditer(written))
        results[scenario] = result
        print(f"{name} {scenario}: {len(result.latencies)} requests, p50 "
              f"{result.pct(0.5):.1f} ms, p99 {result.pct(0.99):.1f} ms, "
              f"{result.rate:.0f} req/s, non-2xx {result.bad}", flush=True)
    return results


# --- report ------------------------------------------------------------------------------------

def report(results: dict[str, dict[str, LoadResult]], skipped: dict[str, str],
           backends: list[str], args: argparse.Namespace) -> None:
    print()
    paced = ", ".join(f"@{p:g}s: each client sends one request every {p:g} s"
                      for p in args.paces)
    print(f"{args.clients} clients; no suffix: closed loop, no pause between requests"
          + (f"; {paced}" if paced else "") + f"; {args.warmup:g} s warm-up + {args.seconds:g} s "
          f"measured per scenario; uvicorn --workers {args.workers}; {os.cpu_count()} CPUs. "
          f"Latency: every request that ends or begins in the window, failed ones included (one "
          f"given up after {args.timeout:g} s counts as that); req/s: 2xx answers a second.")
    head = (f"{'backend':<11} {'scenario':<9} {'requests':>8} {'req/s':>7} {'p50 ms':>7} "
            f"{'p90 ms':>7} {'p99 ms':>7} {'max ms':>7} {'non-2xx':>7} {'server':>6} "
            f"{'pg':>5} {'client':>6} {'other':>5}")
    print(head)
    print("-" * len(head))
    for backend in backends:
        if backend in skipped:
            print(f"{backend:<11} skipped: {skipped[backend]}")
            continue
        for scenario, _, _ in scenarios(args):
            r = results[backend][scenario]
            print(f"{backend:<11} {scenario:<9} {len(r.latencies):>8} {r.rate:>7.0f} "
                  f"{r.pct(0.5):>7.1f} {r.pct(0.9):>7.1f} {r.pct(0.99):>7.1f} "
                  f"{max(r.latencies, default=float('nan')):>7.1f} {r.bad:>7} "
                  f"{r.server_cpu:>6.2f} {r.postgres_cpu:>5.2f} {r.client_cpu:>6.2f} "
                  f"{r.other_cpu:>5.2f}")
    print(f"(CPU cores used during the measured window: server = the uvicorn process, pg = "
          f"PostgreSQL's processes, client = this process, other = the rest of the machine's "
          f"{os.cpu_count()} cores)")
    for backend in backends:
        for scenario, _, _ in scenarios(args):
            r = results.get(backend, {}).get(scenario)
            if r is not None and r.bad:
                print(f"{backend} {scenario}: non-2xx {dict(r.codes)} errors {dict(r.errors)}")
                for sample in r.samples:
                    print(f"    {sample}")
                for line, n in r.server_errors.most_common(5):
                    print(f"    server log, {n}x: {line}")
                if not r.ok_in_window:
                    print("    no 2xx answer in the whole window: the server stalled")
    verdicts = []
    for backend in backends:
        for scenario, _, _ in scenarios(args):
            r = results.get(backend, {}).get(scenario)
            if r is not None:
                p99 = r.pct(0.99)
                verdicts.append(f"{backend} {scenario} {'met' if p99 < TARGET_P99_MS else 'MISSED'}"
                                f" ({p99:.0f} ms)")
    print(f"target p99 < {TARGET_P99_MS:.0f} ms: " + ", ".join(verdicts))
    parts = []
    for backend in backends:
        if backend in skipped:
            parts.append(f"{backend}: skipped ({skipped[backend]})")
            continue
        figures = [f"{s} p50 {results[backend][s].pct(0.5):.1f} ms p99 "
                   f"{results[backend][s].pct(0.99):.1f} ms {results[backend][s].rate:.0f} req/s"
                   for s, _, _ in scenarios(args)]
        parts.append(f"{backend}: " + ", ".join(figures))
    print(" | ".join(parts), flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clues", type=int, default=100_000)
    ap.add_argument("--indicators", type=int, default=1_000_000)
    ap.add_argument("--sightings", type=int, default=200_000,
                    help="sightings of the indicators (skewed: a few busy ones)")
    ap.add_argument("--officers", type=int, default=50, help="unit officers at city units")
    ap.add_argument("--queries", type=int, default=4_000, help="distinct search queries")
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=20.0, help="measured seconds per scenario")
    ap.add_argument("--warmup", type=float, default=3.0, help="unrecorded seconds before")
    ap.add_argument("--timeout", type=float, default=10.0,
                    help="seconds a client waits for an answer before giving up on it")
    ap.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    ap.add_argument("--no-touch", dest="touch", action="store_false",
                    help="do not use every token just before each scenario (then a token's "
                         "once-a-minute last_used_at write may fall inside the window)")
    ap.add_argument("--backends", default="sqlite,postgresql")
    ap.add_argument("--pg-db", default="jingwang_bench_api", help="PostgreSQL database to use "
                    "(dropped and created)")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--pace", default="1", help="comma-separated seconds between one client's "
                    "requests for the paced runs (besides the closed loop); empty for none")
    args = ap.parse_args()
    args.paces = [float(p) for p in args.pace.split(",") if p.strip()]
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    if unknown := set(backends) - {"sqlite", "postgresql"}:
        ap.error(f"unknown backends: {', '.join(sorted(unknown))}")

    t = time.perf_counter()
    world = make_world(clues=args.clues, indicators=args.indicators, sightings=args.sightings,
                       officers=args.officers, queries=args.queries, seed=args.seed)
    print(f"world (seed {args.seed}): {len(world.units)} units, {len(world.indicators):,} "
          f"indicators, {len(world.sightings):,} sightings, {len(world.clues):,} clues, "
          f"{len(world.officers)} officers, {len(world.queries)} search queries "
          f"({', '.join(f'{k} {v}' for k, v in world.query_mix.items())}); generated in "
          f"{time.perf_counter() - t:.1f} s", flush=True)
    gc.collect()
    gc.freeze()  # the world's millions of rows: kept out of the collector's way during the load

    results: dict[str, dict[str, LoadResult]] = {}
    skipped: dict[str, str] = {}
    work = Path(tempfile.mkdtemp(prefix="jingwang-bench-api-"))
    try:
        for backend in backends:
            try:
                store = sqlite_store(work) if backend == "sqlite" else postgres_store(args.pg_db)
                with store as url:
                    results[backend] = run_backend(backend, url, world, args, work)
            except Unavailable as exc:
                skipped[backend] = str(exc)
                print(f"{backend}: skipped: {exc}", flush=True)
            except Exception as exc:  # report the backend as failed, go on with the next
                skipped[backend] = f"failed: {type(exc).__name__}: {str(exc).splitlines()[0]}"
                print(f"{backend}: failed: {exc!r}", flush=True)
    finally:
        dispose_engines()
        shutil.rmtree(work, ignore_errors=True)
    report(results, skipped, backends, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
