"""The load run: start `omnicontacts serve --workers N`, drive it with `wrk` over loopback, and
watch the workers' memory.

- `Server`: the real command line (`python -m omnicontacts.cli serve`), production settings (no
  TEST_MODE, rate limiter on; the benchmark admin holds `api-bypass-rate-limit`), its own log file;
  stopped by its own process group.
- `write_script` / `run_wrk`: one Lua script per case, written to a temporary directory. The
  script sets the auth headers, rotates through the case's request paths at random, counts
  response statuses per code, and prints one JSON line from wrk's `done()` hook with the latency
  percentiles wrk measured (microseconds).
- `RssSampler`: VmRSS of every worker process (the server's children) every 0.2 s while a case
  runs, and VmHWM (the kernel's high-water mark) whenever asked.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

API = "/api/v1"


# ---- processes ----------------------------------------------------------------------------------
def _status_kb(pid: int, key: str) -> int | None:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    return None


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def children(pid: int) -> list[int]:
    found: list[int] = []
    with contextlib.suppress(OSError):
        for task in os.listdir(f"/proc/{pid}/task"):
            with contextlib.suppress(OSError):
                text = Path(f"/proc/{pid}/task/{task}/children").read_text()
                found += [int(x) for x in text.split()]
    return found


def descendants(pid: int) -> list[int]:
    out: list[int] = []
    queue = [pid]
    while queue:
        current = queue.pop()
        for child in children(current):
            out.append(child)
            queue.append(child)
    return out


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# ---- HTTP helpers (stdlib only: the load generator is wrk) ---------------------------------------
@dataclass(frozen=True)
class Creds:
    user_id: str
    token: str

    def headers(self) -> dict[str, str]:
        return {"X-User-Id": self.user_id, "X-Auth-Token": self.token}


def http(
    base: str,
    method: str,
    path: str,
    body: Any = None,
    headers: dict[str, str] | None = None,
    timeout: float = 60,
) -> tuple[int, Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method, headers=dict(headers or {}))
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, raw.decode(errors="replace")


def login(base: str, username: str, password: str) -> Creds:
    status, body = http(base, "POST", f"{API}/login", {"user": username, "password": password})
    if status != 200 or not isinstance(body, dict):
        raise RuntimeError(f"login as {username} failed: {status} {body}")
    return Creds(body["data"]["userId"], body["data"]["authToken"])


# ---- the server ---------------------------------------------------------------------------------
@dataclass
class Server:
    database_url: str
    workers: int
    log_path: Path
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    _log: Any = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 120) -> None:
        self.port = self.port or free_port()
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("OVERWRITE_SETTING_", "ADMIN_")) and k != "TEST_MODE"
        }
        env.update({"OMNICONTACTS_DATABASE_URL": self.database_url, "PORT": str(self.port)})
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        command = [sys.executable, "-m", "omnicontacts.cli", "serve", "--host", "127.0.0.1"]
        command += ["--port", str(self.port), "--workers", str(self.workers)]
        self.process = subprocess.Popen(
            command, env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}; see {self.log_path}")
            with contextlib.suppress(OSError):
                status, _ = http(self.base, "GET", f"{API}/me", timeout=5)
                if status == 401 and len(self.worker_pids()) >= self.workers:
                    return
            time.sleep(0.25)
        self.stop()
        raise RuntimeError(f"server did not come up within {timeout:.0f} s; see {self.log_path}")

    def worker_pids(self) -> list[int]:
        """The uvicorn workers: with --workers > 1 the supervisor's spawned children (not the
        multiprocessing resource tracker); with one worker the server process itself."""
        if self.process is None:
            return []
        if self.workers <= 1:
            return [self.process.pid]
        return [pid for pid in children(self.process.pid) if "spawn_main" in _cmdline(pid)]

    def memory(self) -> dict[str, dict[str, Any]]:
        """VmHWM and VmRSS of the server process and all its descendants, with their role."""
        if self.process is None:
            return {}
        workers = set(self.worker_pids())
        out: dict[str, dict[str, Any]] = {}
        for pid in [self.process.pid, *descendants(self.process.pid)]:
            role = "worker" if pid in workers else ("supervisor" if pid == self.process.pid else "other")
            out[str(pid)] = {
                "role": role,
                "hwm_kb": _status_kb(pid, "VmHWM"),
                "rss_kb": _status_kb(pid, "VmRSS"),
                "cmdline": _cmdline(pid)[:120],
            }
        return out

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        if self._log is not None:
            self._log.close()
            self._log = None

    def log_problems(self, limit: int = 20) -> tuple[int, list[str]]:
        """Error lines the server logged (unhandled exceptions, tracebacks), and the first few."""
        try:
            lines = self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            return 0, []
        bad = [line for line in lines if re.search(r"\b(ERROR|CRITICAL|Traceback)\b", line)]
        return len(bad), bad[:limit]


# ---- memory ---------------------------------------------------------------------------------------
class RssSampler:
    """Peak VmRSS per worker pid while running (sampled), plus VmHWM on request."""

    def __init__(self, pids: Sequence[int], interval: float = 0.2) -> None:
        self.pids = list(pids)
        self.interval = interval
        self.peak_kb: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def sample(self) -> None:
        for pid in self.pids:
            kb = _status_kb(pid, "VmRSS")
            if kb is not None and kb > self.peak_kb.get(pid, 0):
                self.peak_kb[pid] = kb

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()

    def high_water_kb(self) -> dict[int, int]:
        out = {}
        for pid in self.pids:
            kb = _status_kb(pid, "VmHWM")
            if kb is not None:
                out[pid] = kb
        return out


# ---- CPU used by others ---------------------------------------------------------------------------
def _machine_jiffies() -> tuple[int, int]:
    """(busy, total) jiffies of the whole machine since boot, from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, idle, iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
    busy = user + nice + system + irq + softirq + steal
    return busy, busy + idle + iowait


def _tree_jiffies(roots: Sequence[int]) -> int:
    """CPU jiffies of the process trees under `roots`, children that already exited included
    (they are in their parent's cutime/cstime once reaped)."""
    total = 0
    seen: set[int] = set()
    for root in roots:
        for pid in [root, *descendants(root)]:
            if pid in seen:
                continue
            seen.add(pid)
            try:
                stat = Path(f"/proc/{pid}/stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            total += sum(int(x) for x in fields[11:15])  # utime stime cutime cstime
    return total


class CpuShare:
    """How much of the machine processes outside the benchmark used while it measured: total
    busy CPU minus the CPU of our own process trees (this process with wrk, the server, the
    database server). A share above a few percent means the figures of that window are disturbed."""

    def __init__(self, roots: Sequence[int]) -> None:
        self.roots = [r for r in roots if r]
        self.cores = os.cpu_count() or 1

    def __enter__(self) -> CpuShare:
        self._start = (_machine_jiffies(), _tree_jiffies(self.roots))
        return self

    def __exit__(self, *_: object) -> None:
        (busy0, total0), own0 = self._start
        busy1, total1 = _machine_jiffies()
        own1 = _tree_jiffies(self.roots)
        elapsed = max(1, total1 - total0)  # jiffies summed over all cores
        self.machine_pct = round(100 * (busy1 - busy0) / elapsed, 1)
        self.own_pct = round(100 * (own1 - own0) / elapsed, 1)
        self.foreign_pct = round(max(0.0, self.machine_pct - self.own_pct), 1)

    def as_dict(self) -> dict[str, float]:
        return {"machine_pct": self.machine_pct, "own_pct": self.own_pct, "foreign_pct": self.foreign_pct}


# ---- wrk ------------------------------------------------------------------------------------------
LUA_TEMPLATE = r"""-- generated by bench/load.py: one benchmark case
local paths = { %(paths)s }
local headers = { %(headers)s }
local threads = {}
statuses = {}
first_error = ""

function setup(thread)
  thread:set("seed", %(seed)d + #threads)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(seed)
  statuses = {}
end

-- Every %(recycle)dth request (of this wrk thread) asks the server to close its connection after it; wrk
-- reconnects. The kernel hands new connections to whichever worker is waiting in accept(), so
-- the load keeps spreading evenly over the workers instead of staying where the first connect
-- happened to land (a few long-lived connections can otherwise leave one worker idle).
local closing = {}
for k, v in pairs(headers) do closing[k] = v end
closing["Connection"] = "close"
local sent = 0

function request()
  sent = sent + 1
  local h = headers
  if %(recycle)d > 0 and sent %% %(recycle)d == 0 then h = closing end
  return wrk.format("GET", paths[math.random(#paths)], h)
end

function response(status, hdrs, body)
  statuses[status] = (statuses[status] or 0) + 1
  if status ~= 200 and first_error == "" then
    first_error = tostring(status) .. " " .. string.sub(body or "", 1, 300)
  end
end

local function quote(s)
  s = string.gsub(s, '[%%c"\\]', function(c) return string.format("\\u%%04x", string.byte(c)) end)
  return '"' .. s .. '"'
end

function done(summary, latency, requests)
  local codes = {}
  local errors = {}
  for _, thread in ipairs(threads) do
    for code, n in pairs(thread:get("statuses")) do
      codes[code] = (codes[code] or 0) + n
    end
    local e = thread:get("first_error")
    if e ~= "" then table.insert(errors, quote(e)) end
  end
  local parts = {}
  for code, n in pairs(codes) do table.insert(parts, string.format('"%%d":%%d', code, n)) end
  local pct = {}
  for _, p in ipairs({50, 75, 90, 99, 99.9}) do
    table.insert(pct, string.format('"%%s":%%d', tostring(p), latency:percentile(p)))
  end
  io.write(string.format(
    'WRK_JSON {"duration_us":%%d,"requests":%%d,"bytes":%%d,' ..
    '"errors":{"connect":%%d,"read":%%d,"write":%%d,"status":%%d,"timeout":%%d},' ..
    '"latency_us":{"min":%%d,"max":%%d,"mean":%%.1f,"stdev":%%.1f,"percentiles":{%%s}},' ..
    '"statuses":{%%s},"first_errors":[%%s]}\n',
    summary.duration, summary.requests, summary.bytes,
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.status,
    summary.errors.timeout,
    latency.min, latency.max, latency.mean, latency.stdev, table.concat(pct, ","),
    table.concat(parts, ","), table.concat(errors, ",")))
end
"""


_LUA_PLAIN = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/?&=%._-:,{}+@ ")


def _lua_string(text: str) -> str:
    """A Lua string literal: plain characters as they are, every other byte as a decimal escape."""
    return '"' + "".join(chr(b) if b in _LUA_PLAIN else f"\\{b:03d}" for b in text.encode()) + '"'


def write_script(
    directory: Path,
    name: str,
    paths: Sequence[str],
    headers: dict[str, str],
    seed: int = 1,
    recycle: int = 50,
) -> Path:
    """The Lua script of one case; `recycle`: close each connection after that many requests
    (0: never)."""
    if not paths:
        raise ValueError(f"case {name}: no request paths")
    script = LUA_TEMPLATE % {
        "paths": ",\n  ".join(_lua_string(p) for p in paths),
        "headers": ", ".join(f"[{_lua_string(k)}] = {_lua_string(v)}" for k, v in headers.items()),
        "seed": seed,
        "recycle": recycle,
    }
    path = directory / f"{name}.lua"
    path.write_text(script)
    return path


@dataclass
class WrkResult:
    requests: int
    duration_s: float
    requests_per_s: float
    latency_ms: dict[str, float]  # p50, p75, p90, p99, p99.9, mean, max
    errors: dict[str, int]  # wrk's socket errors + `status` (responses >= 400)
    statuses: dict[str, int]  # responses per HTTP status
    non_200: int
    first_errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "duration_s": round(self.duration_s, 3),
            "requests_per_s": round(self.requests_per_s, 1),
            "latency_ms": self.latency_ms,
            "errors": self.errors,
            "statuses": self.statuses,
            "non_200": self.non_200,
            "first_errors": self.first_errors,
        }


def wrk_version() -> str:
    wrk = shutil.which("wrk")
    if wrk is None:
        return "missing"
    done = subprocess.run([wrk, "--version"], capture_output=True, text=True, check=False)
    first = (done.stdout + done.stderr).strip().splitlines()
    return first[0] if first else "unknown"


def run_wrk(
    url: str, script: Path, *, duration_s: float, connections: int, threads: int = 1, timeout_s: int = 30
) -> WrkResult:
    wrk = shutil.which("wrk")
    if wrk is None:
        raise RuntimeError("wrk is not installed: apt-get install -y wrk")
    command = [wrk, f"-t{threads}", f"-c{connections}", f"-d{max(1, round(duration_s))}s"]
    command += [f"--timeout={timeout_s}s", "-s", str(script), url]
    done = subprocess.run(
        command, capture_output=True, text=True, check=False, timeout=duration_s + timeout_s + 60
    )
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("WRK_JSON ")), None)
    if line is None:
        raise RuntimeError(
            f"wrk printed no result (exit {done.returncode}): {done.stdout[-500:]} {done.stderr[-500:]}"
        )
    raw = json.loads(line[len("WRK_JSON ") :])
    duration = raw["duration_us"] / 1e6
    pct = raw["latency_us"]["percentiles"]
    latency = {f"p{key}": round(value / 1000, 3) for key, value in pct.items()}
    latency["mean"] = round(raw["latency_us"]["mean"] / 1000, 3)
    latency["max"] = round(raw["latency_us"]["max"] / 1000, 3)
    statuses = {str(k): int(v) for k, v in raw["statuses"].items()}
    non_200 = sum(n for code, n in statuses.items() if code != "200")
    return WrkResult(
        requests=int(raw["requests"]),
        duration_s=duration,
        requests_per_s=raw["requests"] / duration if duration else 0.0,
        latency_ms=latency,
        errors={k: int(v) for k, v in raw["errors"].items()},
        statuses=statuses,
        non_200=non_200,
        first_errors=list(raw["first_errors"]),
    )


@contextlib.contextmanager
def serving(database_url: str, workers: int, log_path: Path) -> Iterator[Server]:
    server = Server(database_url, workers, log_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()
