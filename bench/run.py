"""Benchmark orchestration: `python -m bench.run --quick | --full | --sizes 2k,20k`.

For each data size (sizes outer, engines inner, so both engines are measured side by side) it
loads a fresh database with bench.generate, starts `omnicontacts serve --workers N` on it, runs
every case with wrk (bench.load), stops the server and drops the data. PostgreSQL runs on a
throwaway server started like the test suite's (tests/pgserver.py). At the end it computes the
targets of issue 5 as ratios, and writes bench/results/<mode>.json, bench/results/<mode>.png
and the <mode> section of bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from sqlalchemy import text

from bench import load
from bench.generate import GenerateConfig, GenerateResult, finish_load, generate, prepare_database

BENCH_DIR = Path(__file__).resolve().parent
RESULTS_DIR = BENCH_DIR / "results"
README = BENCH_DIR / "README.md"
HISTORY = f"{load.API}/omnichannel/contacts.history"
SEARCH = f"{load.API}/omnichannel/contacts.search"
PAGE = 25
TEN_MILLION = 10_000_000


# ---- cases --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Data:
    """What the cases need from a loaded data set."""

    heavy_id: str
    heavy_rooms: int
    heavy_source_totals: dict[str, int]
    sample: list[tuple[str, str, int]]  # (contact id, one of its source terms, closed rooms)
    search_terms: list[str]

    @property
    def heavy_offset(self) -> int:
        return min(50_000, max(0, self.heavy_rooms // 2))


def _q(value: str) -> str:
    return urllib.parse.quote(value, safe="")


SORT_TS = _q('{"ts":1}')
HEAVY_SOURCE = "whatsapp"


def _history(contact_id: str, extra: str = "") -> str:
    return f"{HISTORY}?contactId={_q(contact_id)}&count={PAGE}{extra}"


Check = Callable[[Any, Data], str | None]


def _expect_total(total: Callable[[Data], int]) -> Check:
    def check(body: Any, data: Data) -> str | None:
        want = total(data)
        got = body.get("total") if isinstance(body, dict) else None
        return None if got == want else f"total {got!r}, expected {want}"

    return check


def _expect_page(body: Any, data: Data) -> str | None:
    if not isinstance(body, dict) or body.get("total") != data.heavy_rooms:
        return f"total {body.get('total') if isinstance(body, dict) else body!r}, expected {data.heavy_rooms}"
    if body.get("offset") != data.heavy_offset or len(body.get("history") or []) != min(
        PAGE, data.heavy_rooms
    ):
        return f"offset {body.get('offset')!r} with {len(body.get('history') or [])} rows"
    return None


@dataclass(frozen=True)
class Case:
    key: str
    title: str
    meaning: str
    paths: Callable[[Data], list[str]]
    check: Check | None = None


CASES: tuple[Case, ...] = (
    Case(
        "floor",
        "floor: GET /me",
        "Authenticated `GET /api/v1/me`: the cost of the HTTP stack, authentication and the "
        "permission lookups every endpoint pays. The ceiling for any endpoint on this machine.",
        lambda d: [f"{load.API}/me"],
    ),
    Case(
        "history",
        "history, ordinary contacts",
        "First page (`count=25`) of contacts.history for ordinary contacts picked at random "
        "(from a sample of up to 4,000, long-tailed: most have 1-5 closed rooms, a few thousands).",
        lambda d: [_history(cid) for cid, _, _ in d.sample],
    ),
    Case(
        "floor_again",
        "floor: GET /me, again",
        "The floor measured again right after the ordinary history case: the overhead target "
        "compares history with the mean of both floors, so a drift of the shared machine's load "
        "between the two measurements does not decide the ratio.",
        lambda d: [f"{load.API}/me"],
    ),
    Case(
        "heavy_first",
        "history, heavy contact, first page",
        "First page of the heavy contact (100,000 closed rooms), with its exact `total`.",
        lambda d: [_history(d.heavy_id)],
        _expect_total(lambda d: d.heavy_rooms),
    ),
    Case(
        "heavy_offset",
        "history, heavy contact, offset=50000",
        "A page deep in the heavy contact's history (`offset=50000`, `count=25`).",
        lambda d: [_history(d.heavy_id, f"&offset={d.heavy_offset}")],
        _expect_page,
    ),
    Case(
        "history_source",
        "history, ordinary, source filter",
        "First page for ordinary contacts with `source=` one of the contact's own channels "
        "(e.g. `whatsapp`, `widget`, `twilio`): the filter matches something.",
        lambda d: [_history(cid, f"&source={_q(term)}") for cid, term, _ in d.sample],
    ),
    Case(
        "history_sort",
        'history, ordinary, sort={"ts":1}',
        'First page for ordinary contacts in a non-default order, `sort={"ts":1}`.',
        lambda d: [_history(cid, f"&sort={SORT_TS}") for cid, _, _ in d.sample],
    ),
    Case(
        "heavy_source",
        "history, heavy, source=whatsapp",
        "First page of the heavy contact filtered to its WhatsApp rooms (about 35% of them), exact total.",
        lambda d: [_history(d.heavy_id, f"&source={HEAVY_SOURCE}")],
        _expect_total(lambda d: d.heavy_source_totals.get(HEAVY_SOURCE, 0)),
    ),
    Case(
        "heavy_sort",
        'history, heavy, sort={"ts":1}',
        'First page of the heavy contact, oldest first (`sort={"ts":1}`), exact total.',
        lambda d: [_history(d.heavy_id, f"&sort={SORT_TS}")],
        _expect_total(lambda d: d.heavy_rooms),
    ),
    Case(
        "search",
        "contacts.search searchText",
        "`contacts.search` with a `searchText` (first names, last names, e-mail and phone "
        "fragments of known contacts), `count=25`. Reported as unavailable while the endpoint 404s.",
        lambda d: [f"{SEARCH}?searchText={_q(t)}&count={PAGE}" for t in d.search_terms],
    ),
)


# ---- settings ---------------------------------------------------------------------------------------
@dataclass
class Settings:
    mode: str
    sizes: list[int]
    optional_sizes: list[int]  # run only when disk and the time budget allow (10M in --full)
    engines: list[str]
    duration_s: float
    warmup_s: float
    workers: int
    connections: int
    threads: int
    heavy_rooms: int
    seed: int
    budget_minutes: float
    producers: int | None
    results_dir: Path
    write_readme: bool
    workdir: Path | None
    strict: bool = False


def parse_size(text_value: str) -> int:
    value = text_value.strip().lower().replace("_", "")
    for suffix, factor in (("k", 1_000), ("m", 1_000_000)):
        if value.endswith(suffix):
            return int(float(value[:-1]) * factor)
    return int(value)


def size_label(size: int) -> str:
    if size >= 1_000_000 and size % 1_000_000 == 0:
        return f"{size // 1_000_000}M"
    if size >= 1_000 and size % 1_000 == 0:
        return f"{size // 1_000}k"
    return str(size)


def parse_args(argv: list[str] | None) -> Settings:
    parser = argparse.ArgumentParser(
        prog="python -m bench.run", description="contacts.history at scale (issue 5)"
    )
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--quick", action="store_true", help="10k and 100k rooms, short runs (~10 min)")
    which.add_argument(
        "--full", action="store_true", help="10k, 100k, 1M rooms, and 10M when disk and time allow"
    )
    which.add_argument("--sizes", help="comma-separated sizes, e.g. 2k,20k (a development run)")
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--duration", type=float, help="seconds measured per case")
    parser.add_argument("--warmup", type=float, help="seconds of unmeasured load before each case")
    parser.add_argument(
        "--workers", type=int, default=2, help="uvicorn workers (default 2: one per core here)"
    )
    parser.add_argument("--connections", type=int, help="wrk connections (default 8 per worker)")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--heavy-rooms", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument(
        "--budget-minutes", type=float, default=60.0, help="--full: time allowed for the 10M size"
    )
    parser.add_argument("--producers", type=int, default=None, help="generator producer processes")
    parser.add_argument("--results-dir", type=Path, default=RESULTS_DIR)
    parser.add_argument("--no-readme", action="store_true", help="do not touch bench/README.md")
    parser.add_argument("--workdir", type=Path, help="where databases go (default: a temporary directory)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target fails")
    args = parser.parse_args(argv)
    if args.full:
        mode, sizes, optional, duration, warmup = (
            "full",
            [10_000, 100_000, 1_000_000],
            [TEN_MILLION],
            20.0,
            5.0,
        )
    elif args.sizes:
        mode, sizes, optional, duration, warmup = (
            "custom",
            [parse_size(s) for s in args.sizes.split(",")],
            [],
            5.0,
            1.0,
        )
    else:
        mode, sizes, optional, duration, warmup = "quick", [10_000, 100_000], [], 8.0, 2.0
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    for engine in engines:
        if engine not in ("sqlite", "postgresql"):
            parser.error(f"unknown engine {engine}")
    return Settings(
        mode=mode,
        sizes=sorted(set(sizes)),
        optional_sizes=optional,
        engines=engines,
        duration_s=args.duration if args.duration is not None else duration,
        warmup_s=args.warmup if args.warmup is not None else warmup,
        workers=args.workers,
        connections=args.connections or 8 * max(1, args.workers),
        threads=args.threads,
        heavy_rooms=args.heavy_rooms,
        seed=args.seed,
        budget_minutes=args.budget_minutes,
        producers=args.producers,
        results_dir=args.results_dir,
        write_readme=not args.no_readme,
        workdir=args.workdir,
        strict=args.strict,
    )


# ---- environment -----------------------------------------------------------------------------------
def machine() -> dict[str, Any]:
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = 0
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = int(line.split()[1]) * 1024
    return {
        "cpu_model": cpu,
        "cores": os.cpu_count(),
        "memory_bytes": memory,
        "memory_gib": round(memory / 2**30, 1),
        "kernel": platform.release(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "hostname": platform.node(),
    }


def machine_title(info: dict[str, Any]) -> str:
    return f"{info['cpu_model']}, {info['cores']} cores, {info['memory_gib']} GiB"


def packages(pg_version: str | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for name in (
        "omnicontacts",
        "starlette",
        "uvicorn",
        "SQLAlchemy",
        "psycopg",
        "orjson",
        "tqdm",
        "matplotlib",
        "numpy",
        "apsw",
    ):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "missing"
    out["sqlite"] = sqlite3.sqlite_version
    out["postgresql"] = pg_version or "not used"
    out["wrk"] = load.wrk_version()
    return out


def git_revision() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True
        )
        return head.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


# ---- PostgreSQL ------------------------------------------------------------------------------------
PG_SETTINGS = (
    "shared_buffers = '2GB'",
    "effective_cache_size = '12GB'",
    "work_mem = '16MB'",
    "maintenance_work_mem = '1GB'",
    "max_wal_size = '8GB'",
)


@contextlib.contextmanager
def postgres() -> Iterator[Any]:
    """The test suite's throwaway server (tests/pgserver.py: Unix socket only, fsync off),
    given memory settings for a read benchmark on this machine."""
    sys.path.insert(0, str(BENCH_DIR.parent))
    from omnicontacts.db.engine import make_engine
    from tests.pgserver import start_server

    server = start_server()
    if server is None:
        raise RuntimeError("PostgreSQL binaries (initdb, pg_ctl) not found")
    try:
        admin = make_engine(server.url("postgres"))
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for setting in PG_SETTINGS:
                conn.exec_driver_sql(f"ALTER SYSTEM SET {setting}")
        admin.dispose()
        data = server.workdir / "data"
        server._run(
            str(server.bindir / "pg_ctl"), "-D", str(data), "-w", "-l", str(server.workdir / "log"), "restart"
        )
        yield server
    finally:
        server.stop()


def pg_version(server: Any) -> str:
    from omnicontacts.db.engine import make_engine

    engine = make_engine(server.url("postgres"))
    try:
        with engine.connect() as conn:
            return str(conn.execute(text("SHOW server_version")).scalar())
    finally:
        engine.dispose()


def pg_admin(server: Any, statement: str) -> None:
    from omnicontacts.db.engine import make_engine

    engine = make_engine(server.url("postgres"))
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql(statement)
    finally:
        engine.dispose()


# ---- one (engine, size) ------------------------------------------------------------------------------
def _verify(url: str, result: GenerateResult) -> dict[str, Any]:
    """Cheap checks that the load is what the generator says, through the real stores."""
    from omnicontacts.db.engine import make_engine
    from omnicontacts.history.store import HistoryQuery, count_by_scan, total

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            rooms = int(conn.execute(text("SELECT count(*) FROM rooms")).scalar() or 0)
            closed = int(
                conn.execute(text("SELECT coalesce(sum(closed), 0) FROM contact_room_counts")).scalar() or 0
            )
            heavy = HistoryQuery(result.heavy_contact_id)
            heavy_total = total(conn, heavy) if result.heavy_contact_id else 0
            heavy_scan = count_by_scan(conn, heavy) if result.heavy_contact_id else 0
            if engine.dialect.name == "postgresql":
                size = int(conn.execute(text("SELECT pg_database_size(current_database())")).scalar() or 0)
            else:
                path = Path(url.split("///", 1)[1])
                size = sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))
    finally:
        engine.dispose()
    ok = (
        rooms == result.rooms
        and closed == result.closed_rooms
        and heavy_total == heavy_scan == result.heavy_rooms
    )
    if not ok:
        raise RuntimeError(
            f"load check failed: rooms {rooms} vs {result.rooms}, closed {closed} vs {result.closed_rooms}, "
            f"heavy {heavy_total}/{heavy_scan} vs {result.heavy_rooms}"
        )
    return {"rooms": rooms, "closed_rooms": closed, "heavy_total": heavy_total, "db_bytes": size}


def _rss_mib(kb: int | None) -> float | None:
    return round(kb / 1024, 1) if kb else None


def measure(settings: Settings, engine: str, size: int, workdir: Path, pg: Any) -> dict[str, Any]:
    label = size_label(size)
    print(f"\n== {engine} {label} rooms (+{settings.heavy_rooms:,} heavy) ==", flush=True)
    started = time.perf_counter()
    if engine == "sqlite":
        url = f"sqlite:///{workdir / f'bench-{size}.sqlite3'}"
    else:
        name = f"bench_{size}"
        pg_admin(pg, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        pg_admin(pg, f"CREATE DATABASE {name}")
        url = pg.url(name)
    db = prepare_database(url)
    try:
        result = generate(
            db,
            GenerateConfig(
                rooms=size, heavy_rooms=settings.heavy_rooms, seed=settings.seed, producers=settings.producers
            ),
        )
        settle_started = time.perf_counter()
        finish_load(db)
        settle = time.perf_counter() - settle_started
    finally:
        db.dispose()
    print(
        f"loaded {result.rooms:,} rooms, {result.contacts:,} contacts in {result.seconds:.1f} s: "
        f"{result.rooms_per_s:,.0f} rooms/s"
        + (f" (+{settle:.1f} s VACUUM ANALYZE)" if settle > 0.05 else ""),
        flush=True,
    )
    verified = _verify(url, result)
    data = Data(
        result.heavy_contact_id,
        result.heavy_rooms,
        result.heavy_source_totals,
        result.sample,
        result.search_terms,
    )
    run: dict[str, Any] = {
        "engine": engine,
        "size": size,
        "size_label": label,
        "load": {
            **result.summary(),
            "settle_seconds": round(settle, 2),
            "seconds": round(result.seconds, 2),
            "rooms_per_s": round(result.rooms_per_s),
            **verified,
        },
        "cases": {},
    }
    bench_started = time.perf_counter()
    log_path = workdir / f"server-{engine}-{label}.log"
    scripts = Path(tempfile.mkdtemp(prefix="lua-", dir=workdir))
    with load.serving(url, settings.workers, log_path) as server:
        creds = load.login(server.base, result.admin_username, result.admin_password)
        pids = server.worker_pids()
        run["workers"] = len(pids)
        run["ordinary_totals_check"] = _check_totals(server, creds, data)
        if run["ordinary_totals_check"] != "ok":
            print(f"!! wrong totals: {run['ordinary_totals_check']}", flush=True)
        _warm_up(settings, server, creds, data, scripts)
        for case in CASES:
            run["cases"][case.key] = _measure_case(settings, server, creds, pids, case, data, scripts)
        high_water = load.RssSampler(pids).high_water_kb()
        run["server_processes"] = server.memory()
        problems, first = server.log_problems()
        if sorted(server.worker_pids()) != sorted(pids):
            run["worker_restarts"] = f"workers {sorted(pids)} became {sorted(server.worker_pids())}"
            print(f"!! {run['worker_restarts']}", flush=True)
    run["rss_hwm_kb_per_worker"] = {str(pid): kb for pid, kb in high_water.items()}
    run["rss_hwm_mib_max"] = _rss_mib(max(high_water.values(), default=0))
    run["server_log_errors"] = problems
    run["server_log_first_errors"] = first
    run["bench_seconds"] = round(time.perf_counter() - bench_started, 1)
    if engine == "sqlite":
        for path in workdir.glob(f"bench-{size}.sqlite3*"):
            path.unlink()
    else:
        pg_admin(pg, f"DROP DATABASE IF EXISTS bench_{size} WITH (FORCE)")
    run["total_seconds"] = round(time.perf_counter() - started, 1)
    if problems:
        print(f"!! the server logged {problems} error lines, first: {first[:3]}", flush=True)
    return run


def _check_totals(server: load.Server, creds: load.Creds, data: Data, n: int = 20) -> str:
    """Exact `total` of the first sample contacts, as the generator counted their closed rooms."""
    wrong = []
    for contact_id, _, closed in data.sample[:n]:
        status, body = load.http(server.base, "GET", _history(contact_id), headers=creds.headers())
        got = body.get("total") if isinstance(body, dict) else None
        if status != 200 or got != closed:
            wrong.append(f"{contact_id}: {status} total {got!r}, expected {closed}")
    return "ok" if not wrong else "; ".join(wrong[:5])


def _warm_up(settings: Settings, server: load.Server, creds: load.Creds, data: Data, scripts: Path) -> None:
    """Once per server: every case's requests mixed, so that no case pays for the workers'
    first requests (connection pools filling, lazily built validators, cold caches)."""
    paths: list[str] = []
    for case in CASES:
        paths += case.paths(data)[:300]
    script = load.write_script(scripts, "warm-up", paths, creds.headers(), seed=settings.seed)
    seconds = max(3.0, 2 * settings.warmup_s)
    load.run_wrk(
        server.base, script, duration_s=seconds, connections=settings.connections, threads=settings.threads
    )


DISTURBED_PCT = 10.0  # CPU share of other processes above which a case's figures are flagged


def _pg_postmaster(url: str) -> int:
    """The PostgreSQL postmaster pid when `url` points at the throwaway server, else 0."""
    if "host=" not in url:
        return 0
    socket_dir = Path(urllib.parse.parse_qs(urllib.parse.urlparse(url).query)["host"][0])
    with contextlib.suppress(OSError, ValueError, IndexError):
        return int((socket_dir.parent / "data" / "postmaster.pid").read_text().split()[0])
    return 0


def _measure_case(
    settings: Settings,
    server: load.Server,
    creds: load.Creds,
    pids: list[int],
    case: Case,
    data: Data,
    scripts: Path,
) -> dict[str, Any]:
    paths = case.paths(data)
    status, body = load.http(server.base, "GET", paths[0], headers=creds.headers())
    out: dict[str, Any] = {"title": case.title, "request_paths": len(paths), "example": paths[0]}
    if status == 404:
        out["status"] = "unavailable"
        out["detail"] = f"404 {str(body)[:200]}"
        print(f"  {case.key:15s} unavailable (404)", flush=True)
        return out
    if status != 200:
        out["status"] = "failing"
        out["detail"] = f"{status} {str(body)[:300]}"
        print(f"  {case.key:15s} FAILING: {out['detail']}", flush=True)
        return out
    problem = case.check(body, data) if case.check else None
    out["check"] = problem or "ok"
    script = load.write_script(scripts, case.key, paths, creds.headers(), seed=settings.seed)
    url = server.base
    if settings.warmup_s > 0:
        load.run_wrk(
            url,
            script,
            duration_s=settings.warmup_s,
            connections=settings.connections,
            threads=settings.threads,
        )
    roots = [os.getpid(), server.process.pid if server.process else 0, _pg_postmaster(server.database_url)]
    with load.RssSampler(pids) as rss, load.CpuShare(roots) as cpu:
        result = load.run_wrk(
            url,
            script,
            duration_s=settings.duration_s,
            connections=settings.connections,
            threads=settings.threads,
        )
    out.update(result.as_dict())
    out["cpu"] = cpu.as_dict()
    out["status"] = (
        "ok" if not result.non_200 and not sum(result.errors.values()) and not problem else "errors"
    )
    out["rss_peak_kb_per_worker"] = {str(pid): kb for pid, kb in rss.peak_kb.items()}
    out["rss_peak_mib"] = _rss_mib(max(rss.peak_kb.values(), default=0))
    lat = result.latency_ms
    flag = (
        ""
        if out["status"] == "ok"
        else f"  !! non-200 {result.non_200} errors {result.errors} {problem or ''}"
    )
    if cpu.foreign_pct > DISTURBED_PCT:
        flag += f"  !! other processes used {cpu.foreign_pct}% of the machine"
    print(
        f"  {case.key:15s} {result.requests_per_s:8.1f} req/s  p50 {lat['p50']:8.2f} ms  "
        f"p99 {lat['p99']:8.2f} ms"
        f"  rss {out['rss_peak_mib']} MiB{flag}",
        flush=True,
    )
    return out


# ---- targets ----------------------------------------------------------------------------------------
def _case(run: dict[str, Any], key: str) -> dict[str, Any] | None:
    """A measured case with at least one response (wrk's latencies of nothing read as zeros)."""
    case = run["cases"].get(key)
    return case if case and "latency_ms" in case and case.get("requests") else None


def _p50(run: dict[str, Any], key: str) -> float | None:
    case = _case(run, key)
    return float(case["latency_ms"]["p50"]) if case else None


def _rps(run: dict[str, Any], key: str) -> float | None:
    case = _case(run, key)
    return float(case["requests_per_s"]) if case else None


def _floor_rps(run: dict[str, Any]) -> float | None:
    """The mean of the floor measured before and after the history case (either alone when the
    other is missing)."""
    values = [v for v in (_rps(run, "floor"), _rps(run, "floor_again")) if v is not None]
    return sum(values) / len(values) if values else None


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 3) if a is not None and b else None


def compute_targets(runs: list[dict[str, Any]], mode: str) -> list[dict[str, Any]]:
    targets: list[dict[str, Any]] = []
    engines = list(dict.fromkeys(r["engine"] for r in runs))

    def add(
        name: str,
        engine: str,
        value: float | None,
        limit: float,
        at_most: bool,
        detail: str,
        judged: bool = True,
    ) -> None:
        ok = None if value is None or not judged else (value <= limit if at_most else value >= limit)
        targets.append(
            {
                "target": name,
                "engine": engine,
                "value": value,
                "limit": f"{'<=' if at_most else '>='} {limit}",
                "pass": ok,
                "detail": detail,
            }
        )

    for engine in engines:
        by_size = {r["size"]: r for r in runs if r["engine"] == engine}
        sizes = sorted(by_size)
        # the targets compare 1M with 10k; a larger size (10M) is reported beside them
        reference = 1_000_000 if 1_000_000 in by_size else sizes[-1]
        small, large = by_size[sizes[0]], by_size[reference]
        scale = f"{size_label(reference)} vs {size_label(sizes[0])}"
        if reference < 1_000_000:
            scale += " (largest size measured stands in for 1M)"
        beyond = [size for size in sizes if size > reference]
        one = len(sizes) < 2
        add(
            "history p50 at 1M <= 1.3x p50 at 10k",
            engine,
            None if one else _ratio(_p50(large, "history"), _p50(small, "history")),
            1.3,
            True,
            scale,
        )
        worst_floor = _worst(by_size, lambda r: _ratio(_rps(r, "history"), _floor_rps(r)), lowest=True)
        add(
            "history first-page req/s >= 0.5x floor req/s", engine, worst_floor[0], 0.5, False, worst_floor[1]
        )
        worst_heavy = _worst(
            by_size, lambda r: _ratio(_p50(r, "heavy_first"), _p50(r, "history")), lowest=False
        )
        add(
            "heavy first-page p50 <= 2x ordinary first-page p50",
            engine,
            worst_heavy[0],
            2.0,
            True,
            worst_heavy[1],
        )
        worst_offset = _worst(
            by_size, lambda r: _ratio(_p50(r, "heavy_offset"), _p50(r, "heavy_first")), lowest=False
        )
        add(
            "heavy offset=50000 p50 <= 10x heavy first page",
            engine,
            worst_offset[0],
            10.0,
            True,
            worst_offset[1],
        )
        add(
            "peak RSS per worker at 1M <= 1.2x at 10k",
            engine,
            None if one else _ratio(large.get("rss_hwm_mib_max"), small.get("rss_hwm_mib_max")),
            1.2,
            True,
            scale,
        )
        for size in beyond:  # reported, not judged: the targets are defined at 1M
            run, label = (
                by_size[size],
                f"{size_label(size)} vs {size_label(sizes[0])}, reported (the target is at 1M)",
            )
            add(
                f"history p50 at {size_label(size)} / p50 at 10k",
                engine,
                _ratio(_p50(run, "history"), _p50(small, "history")),
                1.3,
                True,
                label,
                judged=False,
            )
            add(
                f"floor p50 at {size_label(size)} / p50 at 10k",
                engine,
                _ratio(_p50(run, "floor"), _p50(small, "floor")),
                1.3,
                True,
                label + "; the floor reads no room: what the machine itself lost at this size",
                judged=False,
            )
            add(
                f"peak RSS per worker at {size_label(size)} / at 10k",
                engine,
                _ratio(run.get("rss_hwm_mib_max"), small.get("rss_hwm_mib_max")),
                1.2,
                True,
                label,
                judged=False,
            )
        if engine == "sqlite":
            rates = ", ".join(
                f"{r['size_label']}: {r['load']['rooms_per_s']:,}" for _, r in sorted(by_size.items())
            )
            add(
                "generator load rate into SQLite >= 50,000 rooms/s",
                engine,
                float(min(r["load"]["rooms_per_s"] for r in by_size.values())),
                50_000.0,
                False,
                f"the slowest size ({rates})",
            )
    return targets


def _worst(
    by_size: dict[int, dict[str, Any]], ratio: Callable[[dict[str, Any]], float | None], *, lowest: bool
) -> tuple[float | None, str]:
    values = [(ratio(run), size) for size, run in sorted(by_size.items())]
    known = [(v, s) for v, s in values if v is not None]
    if not known:
        return None, "not measured"
    value, size = min(known) if lowest else max(known)
    every = ", ".join(f"{size_label(s)}: {v}" for v, s in values)
    return value, f"worst at {size_label(size)} ({every})"


def engine_comparison(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    sqlite_runs = {r["size"]: r for r in runs if r["engine"] == "sqlite"}
    pg_runs = {r["size"]: r for r in runs if r["engine"] == "postgresql"}
    for size in sorted(set(sqlite_runs) & set(pg_runs)):
        for case in CASES:
            s, p = _case(sqlite_runs[size], case.key), _case(pg_runs[size], case.key)
            if not s or not p:
                continue
            out.append(
                {
                    "size": size,
                    "case": case.key,
                    "sqlite_p50_ms": s["latency_ms"]["p50"],
                    "postgresql_p50_ms": p["latency_ms"]["p50"],
                    "p50_pg_over_sqlite": _ratio(p["latency_ms"]["p50"], s["latency_ms"]["p50"]),
                    "sqlite_rps": s["requests_per_s"],
                    "postgresql_rps": p["requests_per_s"],
                    "rps_pg_over_sqlite": _ratio(p["requests_per_s"], s["requests_per_s"]),
                }
            )
    return out


# ---- the 10M decision ----------------------------------------------------------------------------------
def optional_size_verdict(
    settings: Settings, size: int, engine: str, runs: list[dict[str, Any]], started: float, paths: list[Path]
) -> tuple[bool, str]:
    reference = max((r for r in runs if r["engine"] == engine), key=lambda r: r["size"], default=None)
    if reference is None:
        return False, f"{size_label(size)} on {engine} skipped: no smaller size measured to project from"
    factor = size / reference["size"]
    load_s = reference["load"]["seconds"] * factor * 1.3 + reference["load"]["settle_seconds"] * factor
    projected_s = load_s + reference["bench_seconds"] * 1.2 + 60
    projected_bytes = int(reference["load"]["db_bytes"] * factor * 1.3) + 5 * 2**30
    free = min(shutil.disk_usage(p).free for p in paths)
    elapsed = time.perf_counter() - started
    budget = settings.budget_minutes * 60
    facts = (
        f"projected from {size_label(reference['size'])}: ~{projected_s / 60:.0f} min and "
        f"~{projected_bytes / 2**30:.0f} GiB of disk; {free / 2**30:.0f} GiB free, "
        f"{max(0.0, budget - elapsed) / 60:.0f} of {settings.budget_minutes:.0f} min budget left"
    )
    if projected_bytes > free:
        return False, f"{size_label(size)} on {engine} skipped for disk: {facts}"
    if elapsed + projected_s > budget:
        return (
            False,
            f"{size_label(size)} on {engine} skipped for time: {facts} (raise --budget-minutes to run it)",
        )
    return True, f"{size_label(size)} on {engine} run: {facts}"


# ---- reports --------------------------------------------------------------------------------------------
def _fmt(value: Any, digits: int = 1) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def disturbed_note(runs: list[dict[str, Any]]) -> str | None:
    disturbed = [
        f"{r['engine']} {r['size_label']} {key} ({c['cpu']['foreign_pct']}%)"
        for r in runs
        for key, c in r["cases"].items()
        if c.get("cpu", {}).get("foreign_pct", 0) > DISTURBED_PCT
    ]
    if not disturbed:
        return None
    return (
        f"cases measured while other processes used more than {DISTURBED_PCT:g}% of the machine "
        "(their figures are disturbed: run again on a quiet machine): " + ", ".join(disturbed)
    )


def markdown(results: dict[str, Any]) -> str:
    info = results["machine"]
    s = results["settings"]
    lines = [
        f"Run `{results['mode']}` of {results['finished_at'][:16].replace('T', ' ')} UTC "
        f"on {machine_title(info)} "
        f"(commit {results['git']}). {s['workers']} uvicorn workers, wrk {s['connections']} connections / "
        f"{s['threads']} thread, {s['duration_s']:g} s per case after {s['warmup_s']:g} s warm-up. "
        f"Sizes are ordinary rooms; the heavy contact's {s['heavy_rooms']:,} rooms come on top. "
        f"Total {results['elapsed_minutes']} min.",
        "",
        "**Load** (generator, bulk path into a migrated database)",
        "",
        "| engine | size | rooms written | contacts | rooms/s | load s | database |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for run in results["runs"]:
        ld = run["load"]
        lines.append(
            f"| {run['engine']} | {run['size_label']} | {ld['rooms']:,} | {ld['contacts']:,} | "
            f"{ld['rooms_per_s']:,} | {ld['seconds']:.1f} | {ld['db_bytes'] / 2**20:,.0f} MiB |"
        )
    lines += [
        "",
        "**Requests** (p50/p99 in ms; RSS = highest VmRSS of one worker during the case, MiB; "
        "other CPU = share of the machine used by processes outside the benchmark meanwhile)",
        "",
        "| engine | size | case | req/s | p50 | p99 | RSS/worker | non-200 | socket errors | other CPU |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for run in results["runs"]:
        for case in CASES:
            c = run["cases"].get(case.key, {})
            if "latency_ms" not in c or not c.get("requests"):
                status = c.get("status", "-") if "latency_ms" not in c else "no response within the case"
                where = f"| {run['engine']} | {run['size_label']} | {case.title} |"
                lines.append(f"{where} {status} | | | | | | |")
                continue
            socket_errors = sum(v for k, v in c["errors"].items() if k != "status")
            lines.append(
                f"| {run['engine']} | {run['size_label']} | {case.title} | {c['requests_per_s']:,.1f} | "
                f"{c['latency_ms']['p50']:,.2f} | {c['latency_ms']['p99']:,.2f} | "
                f"{_fmt(c.get('rss_peak_mib'))} | "
                f"{c['non_200']:,} | {socket_errors:,} | {_fmt(c.get('cpu', {}).get('foreign_pct'))}% |"
            )
    lines += ["", "**Targets** (ratios measured side by side in this run)", ""]
    lines += ["| target | engine | value | limit | result | detail |", "|---|---|---:|---|---|---|"]
    for t in results["targets"]:
        verdict = "n/a" if t["pass"] is None else ("PASS" if t["pass"] else "**FAIL**")
        lines.append(
            f"| {t['target']} | {t['engine']} | {_fmt(t['value'], 3)} | {t['limit']} | {verdict} | "
            f"{t['detail']} |"
        )
    if results["engine_comparison"]:
        lines += ["", "**PostgreSQL vs SQLite** (p50 ms, req/s)", ""]
        lines += ["| size | case | SQLite p50 | PG p50 | PG/SQLite p50 | SQLite req/s | PG req/s |"]
        lines += ["|---|---|---:|---:|---:|---:|---:|"]
        for row in results["engine_comparison"]:
            lines.append(
                f"| {size_label(row['size'])} | {row['case']} | {row['sqlite_p50_ms']:,.2f} | "
                f"{row['postgresql_p50_ms']:,.2f} | {_fmt(row['p50_pg_over_sqlite'], 2)} | "
                f"{row['sqlite_rps']:,.1f} | {row['postgresql_rps']:,.1f} |"
            )
    server_errors = [
        (r["engine"], r["size_label"], r["server_log_errors"])
        for r in results["runs"]
        if r["server_log_errors"]
    ]
    notes = list(results["notes"])
    if server_errors:
        notes.append("server logged errors: " + ", ".join(f"{e} {s}: {n} lines" for e, s, n in server_errors))
    if notes:
        lines += ["", "**Notes**", ""] + [f"- {n}" for n in notes]
    lines += ["", f"![p50 and p99 against data size](results/{Path(results['chart']).name})"]
    return "\n".join(lines) + "\n"


def update_readme(mode: str, body: str, path: Path = README) -> None:
    begin, end = f"<!-- bench:{mode}:begin -->", f"<!-- bench:{mode}:end -->"
    content = path.read_text() if path.exists() else "# Benchmarks\n"
    block = f"{begin}\n{body}{end}"
    if begin in content and end in content:
        head, rest = content.split(begin, 1)
        _, tail = rest.split(end, 1)
        content = head + block + tail
    else:
        content = content.rstrip("\n") + f"\n\n### Results: `{mode}`\n\n{block}\n"
    path.write_text(content)


def chart(results: dict[str, Any], path: Path) -> None:
    """p50 (solid) and p99 (dashed) of every case against data size, one panel per engine."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    engines = list(dict.fromkeys(r["engine"] for r in results["runs"]))
    fig, axes = plt.subplots(1, len(engines), figsize=(7 * len(engines), 6.2), squeeze=False, sharey=True)
    colors = plt.get_cmap("tab10")
    plain = FuncFormatter(lambda value, _: f"{value:g}")
    for ax, engine in zip(axes[0], engines, strict=True):
        runs = sorted((r for r in results["runs"] if r["engine"] == engine), key=lambda r: r["size"])
        for i, case in enumerate(CASES):
            points = [(r["size"], _case(r, case.key)) for r in runs]
            xs = [size for size, c in points if c]
            if not xs:
                continue
            p50 = [c["latency_ms"]["p50"] for _, c in points if c]
            p99 = [c["latency_ms"]["p99"] for _, c in points if c]
            ax.plot(xs, p50, marker="o", linewidth=2, color=colors(i))
            ax.plot(xs, p99, marker="x", linestyle="--", linewidth=1.2, color=colors(i), alpha=0.75)
        ax.set_xscale("log")
        ax.set_yscale("log")
        sizes = [r["size"] for r in runs]
        ax.set_xticks(sizes)
        ax.set_xticklabels([size_label(s) for s in sizes])
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
        ax.yaxis.set_major_formatter(plain)
        ax.yaxis.set_minor_formatter(NullFormatter())
        ax.set_xlabel(f"ordinary rooms (+{results['settings']['heavy_rooms']:,} rooms of the heavy contact)")
        ax.set_title(engine, fontsize=12, fontweight="bold")
        ax.grid(True, which="major", alpha=0.35)
    axes[0][0].set_ylabel("latency, ms (log scale)")
    handles: list[Any] = [
        Line2D([], [], color=colors(i), marker="o", linewidth=2, label=case.title)
        for i, case in enumerate(CASES)
    ]
    handles += [
        Line2D([], [], color="black", linewidth=2, label="p50 (solid)"),
        Line2D([], [], color="black", linestyle="--", linewidth=1.2, label="p99 (dashed)"),
    ]
    fig.legend(handles=handles, loc="lower center", ncol=4, fontsize=9, frameon=False)
    s = results["settings"]
    fig.suptitle(
        f"omnicontacts: latency against data size ({results['mode']} run)\n"
        f"{machine_title(results['machine'])} - {s['workers']} uvicorn workers, "
        f"wrk {s['connections']} connections, {s['duration_s']:g} s per case",
        fontsize=11,
    )
    fig.tight_layout(rect=(0, 0.13, 1, 1))
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def print_summary(results: dict[str, Any]) -> None:
    print("\n== targets ==")
    for t in results["targets"]:
        verdict = "n/a " if t["pass"] is None else ("PASS" if t["pass"] else "FAIL")
        print(
            f"  [{verdict}] {t['engine']:10s} {t['target']:52s} {_fmt(t['value'], 3):>8s} "
            f"({t['limit']}) {t['detail']}"
        )
    for row in results["engine_comparison"]:
        if row["case"] in ("history", "heavy_first", "heavy_offset"):
            print(
                f"  PG/SQLite {size_label(row['size']):>4s} {row['case']:14s} "
                f"p50 x{_fmt(row['p50_pg_over_sqlite'], 2)}"
                f"  req/s x{_fmt(row['rps_pg_over_sqlite'], 2)}"
            )
    for note in results["notes"]:
        print(f"  note: {note}")


# ---- main -----------------------------------------------------------------------------------------------
def preflight(settings: Settings) -> None:
    """Fail before loading anything when a tool the run needs is missing."""
    if shutil.which("wrk") is None:
        raise SystemExit("bench: wrk is not installed (Debian: apt-get install -y wrk)")
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise SystemExit("bench: matplotlib is not installed (.venv/bin/pip install matplotlib)") from None
    if "postgresql" in settings.engines:
        sys.path.insert(0, str(BENCH_DIR.parent))
        from tests.pgserver import find_bindir

        if find_bindir() is None:
            raise SystemExit("bench: PostgreSQL binaries (initdb, pg_ctl) not found; use --engines sqlite")


def run(settings: Settings) -> dict[str, Any]:
    preflight(settings)
    started = time.perf_counter()
    workdir = settings.workdir or Path(tempfile.mkdtemp(prefix="omnicontacts-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    info = machine()
    notes: list[str] = []
    if settings.mode == "quick":
        notes.append("--quick measures 10k and 100k only: the 1M-based targets compare 100k with 10k.")
    results: dict[str, Any] = {
        "schema": 1,
        "mode": settings.mode,
        "started_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": info,
        "git": git_revision(),
        "settings": {
            "sizes": settings.sizes,
            "optional_sizes": settings.optional_sizes,
            "engines": settings.engines,
            "duration_s": settings.duration_s,
            "warmup_s": settings.warmup_s,
            "workers": settings.workers,
            "connections": settings.connections,
            "threads": settings.threads,
            "heavy_rooms": settings.heavy_rooms,
            "seed": settings.seed,
            "page": PAGE,
            "budget_minutes": settings.budget_minutes,
        },
        "cases": {c.key: {"title": c.title, "meaning": c.meaning} for c in CASES},
        "runs": [],
        "notes": notes,
    }
    settings.results_dir.mkdir(parents=True, exist_ok=True)
    json_path = settings.results_dir / f"{settings.mode}.json"
    pg_context = postgres() if "postgresql" in settings.engines else contextlib.nullcontext()
    try:
        with pg_context as pg:
            results["packages"] = packages(pg_version(pg) if pg is not None else None)
            if pg is not None:
                results["settings"]["postgresql_settings"] = list(PG_SETTINGS)
            disk_paths = [workdir] + ([pg.workdir] if pg is not None else [])
            for size in settings.sizes + settings.optional_sizes:
                for engine in settings.engines:
                    if size in settings.optional_sizes:
                        go, why = optional_size_verdict(
                            settings, size, engine, results["runs"], started, disk_paths
                        )
                        notes.append(why)
                        print(f"\n{why}", flush=True)
                        if not go:
                            continue
                    results["runs"].append(measure(settings, engine, size, workdir, pg))
                    json_path.write_text(json.dumps(results, indent=1))  # keep what was measured so far
    finally:
        if settings.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    results["finished_at"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    results["elapsed_minutes"] = round((time.perf_counter() - started) / 60, 1)
    results["sizes_measured"] = sorted({r["size"] for r in results["runs"]})
    disturbed = disturbed_note(results["runs"])
    if disturbed:
        notes.append(disturbed)
    report(results, json_path, settings.write_readme)
    return results


def report(results: dict[str, Any], json_path: Path, write_readme: bool) -> None:
    """Targets, engine comparison, JSON, chart, README section and summary, from the measured
    runs (`--report FILE` renders them again from a saved JSON, measuring nothing)."""
    results["targets"] = compute_targets(results["runs"], results["mode"])
    results["engine_comparison"] = engine_comparison(results["runs"])
    chart_path = json_path.with_suffix(".png")
    results["chart"] = str(
        chart_path.relative_to(BENCH_DIR) if chart_path.is_relative_to(BENCH_DIR) else chart_path
    )
    json_path.write_text(json.dumps(results, indent=1))
    chart(results, chart_path)
    if write_readme:
        update_readme(results["mode"], markdown(results))
    print_summary(results)
    print(
        f"\nresults: {json_path}\nchart:   {chart_path}"
        + ("\nREADME:  bench/README.md" if write_readme else "")
    )


def main(argv: list[str] | None = None) -> int:
    if argv is None:
        argv = sys.argv[1:]
    if argv[:1] == ["--report"]:  # python -m bench.run --report bench/results/full.json
        path = Path(argv[1])
        results = json.loads(path.read_text())
        report(results, path, "--no-readme" not in argv)
        return 0
    settings = parse_args(argv)
    results = run(settings)
    failed = [t for t in results["targets"] if t["pass"] is False]
    return 1 if failed and settings.strict else 0


if __name__ == "__main__":
    sys.exit(main())
