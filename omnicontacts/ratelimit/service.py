"""The rate limiter of spec platform.md §5: per (client IP, method, path), counters shared by
all processes through the database."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from sqlalchemy.engine import Connection

from omnicontacts.ratelimit import store


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    limit: int
    remaining: int
    reset_ms: int

    @property
    def wait_seconds(self) -> int:
        return max(0, math.ceil((self.reset_ms - time.time() * 1000) / 1000))

    def headers(self) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(self.reset_ms),
        }


def check(conn: Connection, *, client_ip: str, method: str, path: str, limit: int, window_ms: int) -> Verdict:
    now_ms = int(time.time() * 1000)
    calls, reset_ms = store.hit(conn, f"{client_ip} {method} {path}", now_ms, window_ms)
    return Verdict(calls <= limit, limit, max(0, limit - calls), reset_ms)
