"""Ids shaped like Rocket.Chat's (spec README §6) and the one date format of the wire."""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

_METEOR_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz"


def random_id(length: int = 17) -> str:
    """Meteor's `Random.id()`: users, rooms, messages."""
    return "".join(secrets.choice(_METEOR_ALPHABET) for _ in range(length))


def object_id(at: float | None = None) -> str:
    """A MongoDB-ObjectId-shaped id: 4 bytes of creation time, then 8 random bytes."""
    seconds = int(time.time() if at is None else at) & 0xFFFFFFFF
    return seconds.to_bytes(4, "big").hex() + os.urandom(8).hex()


def format_date(moment: datetime) -> str:
    """ISO-8601 UTC with exactly three fractional digits and `Z` (spec README §6). Because every
    stored date has this fixed shape, dates compare correctly as strings."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


_clock: ContextVar[datetime | None] = ContextVar("omnicontacts_clock", default=None)


def now_iso() -> str:
    return format_date(_clock.get() or datetime.now(UTC))


@contextmanager
def clock_at(moment: datetime) -> Iterator[None]:
    """Make `now_iso()` answer `moment` in this context (demo data and imports replay past
    conversations through the real services)."""
    token = _clock.set(moment)
    try:
        yield
    finally:
        _clock.reset(token)


def parse_date(text: str) -> datetime | None:
    """Parse an ISO-8601 date as clients send it; None when it is not one."""
    value = text.strip()
    if not value:
        return None
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


def seconds_between(start_iso: str, end_iso: str) -> float:
    start, end = parse_date(start_iso), parse_date(end_iso)
    if start is None or end is None:
        return 0.0
    return (end - start).total_seconds()
