"""A throwaway PostgreSQL server for the test run: initdb + pg_ctl from the machine's PostgreSQL,
run as the `postgres` system user when we are root (PostgreSQL refuses to run as root), in a
temporary directory, listening only on a Unix socket there. Stopped at the end of the run."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path


def find_bindir() -> Path | None:
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(candidate, "initdb").exists() and Path(candidate, "pg_ctl").exists():
            return Path(candidate)
    found = shutil.which("initdb")
    return Path(found).parent if found else None


@dataclass
class PgServer:
    bindir: Path
    workdir: Path
    port: int = 5432

    @property
    def socket_dir(self) -> Path:
        return self.workdir / "sock"

    def _run(self, *args: str) -> None:
        command = [str(a) for a in args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def start(self) -> None:
        data = self.workdir / "data"
        self.socket_dir.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.workdir, "postgres", "postgres")
            shutil.chown(self.socket_dir, "postgres", "postgres")
        self._run(
            self.bindir / "initdb",
            "-D",
            data,
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        )
        options = (
            f"-p {self.port} -k {self.socket_dir} -c listen_addresses='' -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        self._run(
            self.bindir / "pg_ctl", "-D", data, "-o", options, "-w", "-l", self.workdir / "log", "start"
        )

    def stop(self) -> None:
        try:
            self._run(self.bindir / "pg_ctl", "-D", self.workdir / "data", "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@/{database}?host={self.socket_dir}&port={self.port}"


def start_server() -> PgServer | None:
    bindir = find_bindir()
    if bindir is None:
        return None
    workdir = Path(tempfile.mkdtemp(prefix="omnicontacts-pg-"))
    workdir.chmod(0o755)
    server = PgServer(bindir, workdir)
    server.start()
    return server
