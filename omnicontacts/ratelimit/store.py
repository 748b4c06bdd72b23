"""Rate-limit counters in the database, so every server process shares them."""

from __future__ import annotations

import random

from sqlalchemy import delete, text
from sqlalchemy.engine import Connection

from omnicontacts.db import tables

# One statement, atomic on both engines: start a new window when the old one ended, else count.
_HIT = text(
    """
    INSERT INTO rate_limits (key, reset_at, count) VALUES (:key, :now + :window, 1)
    ON CONFLICT (key) DO UPDATE SET
      count = CASE WHEN rate_limits.reset_at <= :now THEN 1 ELSE rate_limits.count + 1 END,
      reset_at = CASE WHEN rate_limits.reset_at <= :now THEN :now + :window ELSE rate_limits.reset_at END
    RETURNING count, reset_at
    """
)


def hit(conn: Connection, key: str, now_ms: int, window_ms: int) -> tuple[int, int]:
    """Count one call; returns (calls in the current window, window reset epoch ms)."""
    row = conn.execute(_HIT, {"key": key, "now": now_ms, "window": window_ms}).one()
    if random.random() < 0.01:  # keep the table small: forget windows that ended long ago
        conn.execute(delete(tables.rate_limits).where(tables.rate_limits.c.reset_at < now_ms - 3_600_000))
    return int(row[0]), int(row[1])
