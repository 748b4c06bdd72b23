"""Realistic benchmark data, written in bulk straight through the stores (not HTTP).

    python -m bench.generate --url sqlite:///data/bench.sqlite3 --rooms 1000000

One run writes, deterministically for a given `--seed`:

- departments (through `livechat.store.departments`), agents (real users made by
  `users.service.create_user`, role `livechat-agent`) and the benchmark admin (role `admin`, which
  holds `api-bypass-rate-limit`);
- `rooms` ordinary rooms spread over contacts with a long-tailed number of rooms each (a Pareto
  draw: about 9 in 10 contacts have 1-5 rooms, a few have thousands); most closed, about 3% of
  contacts have their newest room still open;
- one **heavy contact** with `heavy_rooms` closed rooms (100,000 by default), on top of `rooms`;
- one visitor per channel of each contact; sources `widget`, `api`, `email`, `sms` and `app` with
  the aliases WhatsApp / Telegram / Instagram; message counters (`msgs`), `lastMessage`,
  `servedBy`, `closedBy`, `closer`, `metrics.chatDuration`, `tags` and `departmentId` on closed
  rooms; `lastChat` on contacts, channels and visitors.

Two write paths, with identical rows (tests/bench checks it table by table):

- `bulk` (default): producer processes build each batch from its own seed straight into table rows.
  Every choice of a batch is drawn at once as numpy arrays: its contacts (names, channels drawn by
  weight, visitors), then their rooms' times, channels and every per-room choice; timestamps are
  formatted as arrays of characters. Each room, contact and visitor document is then one f-string
  over JSON fragments serialised once (agents, sources, visitors, tag sets), in loops compiled with
  Cython (bench/_documents.pyx): byte for byte what orjson writes for the document, with the columns
  the stores extract from it. Rooms are written in a random order under increasing ids, so the
  primary-key inserts are appends while a contact's rooms stay scattered over the table. The
  closed-room counters are summed over the whole load and upserted once per key with the store's
  own statement (`livechat.store._BUMP`). SQLite: the producers write their batches themselves
  through APSW (whose bundled, recent SQLite takes about a third less CPU for these inserts and
  index builds than the system library; same file format). Rooms go into the target file;
  visitors, contacts and contact keys into a side file with the same tables. Each file has its own
  writer lock, so one producer writes rooms while the other writes its contacts. At the end the
  counters, the contact keys (appended to a plain table during the load, sorted into
  `contact_keys` now) and the side file's indexes are written there by another process while this
  one builds the rooms' indexes; then SQLite's transfer optimisation copies the side tables, indexes included,
  into the target's empty ones without decoding or sorting them again. PostgreSQL: each producer
  COPYs its batches itself. The plain secondary indexes of the four bulk tables are dropped for the
  load and re-created afterwards from the very DDL the migrations made (a sorted build instead of a
  random insert per row and index); primary keys and unique constraints stay.
- `stores`: the same documents (parsed back from that text) written through the stores' bulk
  functions themselves (`visitors.insert_many`, `contacts.store.insert_contacts`,
  `livechat.store.insert_rooms`), one process, indexes in place.

On SQLite the load connections run with `synchronous=OFF` and no rollback journal (the file is
throwaway until the load has finished), then the file is put back in WAL mode; the server opens it
later with its own production settings. The load rate counts every room written, from the first
batch to the last index built.
"""

from __future__ import annotations

import argparse
import gc
import math
import multiprocessing
import os
import random
import re
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field, replace
from typing import Any, NamedTuple

import numpy as np
import orjson
from sqlalchemy import Engine
from sqlalchemy.engine import Connection
from tqdm import tqdm

from bench import _documents as documents
from omnicontacts.contacts import store as contacts_store
from omnicontacts.db.engine import WRITE, is_postgres
from omnicontacts.livechat import store as livechat_store

Document = dict[str, Any]
Row = tuple[Any, ...]


def _json(value: Any) -> str:
    return orjson.dumps(value).decode()  # what db.engine's json_serializer writes


METEOR_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz"  # as omnicontacts.ids
BENCH_ADMIN = "bench.admin"
BENCH_ADMIN_PASSWORD = "bench-admin-pass-1"
HEAVY_NAME = "Heavy Contact"

# Simulated clock: contacts appear between START and END, rooms between a contact's creation and END.
START_MS = 1_546_300_800_000  # 2019-01-01T00:00:00.000Z
END_MS = 1_761_955_200_000  # 2025-11-01T00:00:00.000Z
DAY_MS = 86_400_000
HOUR_MS = 3_600_000


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FIRST_NAMES = _words(
    "Maria Jose Ana Luis Carlos Juan Sofia Lucas Emma Noah Olivia Liam Ava Elijah Mia James "
    "Amelia Oliver Harper Benjamin Evelyn Mateo Camila Leo Aisha Omar Fatima Yusuf Priya Arjun "
    "Ananya Wei Li Mei Hiroshi Yuki Sakura Kenji Min-jun Seo-yeon Olga Ivan Dmitri Anastasia "
    "Pierre Camille Lea Hugo Giulia Marco Chiara Lars Ingrid Sven Kofi Amara Chidi Ngozi Tariq "
    "Leila Diego Valentina"
)
LAST_NAMES = _words(
    "Garcia Silva Santos Oliveira Smith Johnson Williams Brown Jones Miller Davis Rodriguez "
    "Martinez Hernandez Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee "
    "Perez Thompson White Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King "
    "Wright Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell "
    "Mitchell Carter Roberts Okafor Mensah Kowalski Novak Rossi Ferrari Muller Schmidt Dubois "
    "Moreau Tanaka Sato Suzuki Kim Park Chen Wang Zhang Patel Sharma Singh Khan Ali Hassan Ivanov "
    "Petrov Larsen Hansen Johansson"
)
TAGS = _words(
    "billing refund shipping bug vip feedback onboarding cancellation upgrade technical complaint "
    "password delivery warranty invoice"
)
DEPARTMENTS = _words(
    "Sales Support Billing Returns Technical Onboarding Retention Partnerships VIP Logistics "
    "Compliance Marketing"
)
MESSAGES = (
    "Thanks, that solved it!",
    "Could you send me the invoice again?",
    "My order has not arrived yet.",
    "I would like to cancel my subscription.",
    "Is there a discount for annual plans?",
    "The app crashes when I open settings.",
    "Great, have a nice day.",
    "Please check ticket 4411, it is still open.",
)


@dataclass(frozen=True)
class Source:
    term: str  # what a history `source=` filter uses to find it: the lower-cased alias, else the type
    weight: float
    doc: Document


def _app(name: str) -> Document:
    key = name.lower()
    return {
        "type": "app",
        "id": f"{key}-connector",
        "alias": name,
        "label": name,
        "sidebarIcon": key,
        "defaultIcon": key,
    }


SOURCES: tuple[Source, ...] = (
    Source("widget", 0.36, {"type": "widget", "destination": "support.example.com"}),
    Source("api", 0.10, {"type": "api"}),
    Source(
        "support@example.com", 0.14, {"type": "email", "id": "inbox-support", "alias": "support@example.com"}
    ),
    Source("twilio", 0.10, {"type": "sms", "alias": "Twilio"}),
    Source("whatsapp", 0.18, _app("WhatsApp")),
    Source("telegram", 0.06, _app("Telegram")),
    Source("instagram", 0.06, _app("Instagram")),
)
HEAVY_SOURCES = (0, 4, 2)  # the heavy contact's channels: widget, WhatsApp, e-mail
HEAVY_WEIGHTS = (0.5, 0.35, 0.15)
# Fixed pools drawn once (a draw per room is slow): tag combinations, and exponential / uniform
# samples for message counts, chat durations and first-response times.
_POOL = random.Random(20_240_605)
_TAG_SETS = tuple(tuple(_POOL.sample(TAGS, (0, 1, 1, 2, 3)[i % 5])) for i in range(251))
_EXP_MSGS = tuple(int(_POOL.expovariate(1 / 12)) for _ in range(1024))
_EXP_DURATION = tuple(int(_POOL.expovariate(1 / 900_000)) for _ in range(1024))
_FIRST_RESPONSE = tuple(round(5 + _POOL.random() * 120, 3) for _ in range(1024))
# ... and as JSON text, for the room text (see _Builder._rooms)
_TAG_SETS_JSON = [orjson.dumps(list(tags)).decode() for tags in _TAG_SETS]
_FIRST_RESPONSE_TEXT = [orjson.dumps(x).decode() for x in _FIRST_RESPONSE]
_MESSAGES_JSON = [orjson.dumps(m).decode() for m in MESSAGES]
# the rows' columns, in Collection._row's order
ROOM_COLUMNS = ("id", *livechat_store._room_columns({}), "doc")
VISITOR_COLUMNS = ("id", *livechat_store._visitor_columns({}), "doc")
CONTACT_COLUMNS = ("id", *contacts_store._columns({}), "doc")
# ... and as arrays, indexed by a batch's draws at once
_EXP_MSGS_ARRAY = np.array(_EXP_MSGS, dtype=np.int64)
_EXP_DURATION_ARRAY = np.array(_EXP_DURATION, dtype=np.int64)
_CHAT_DURATION_TEXT = [repr((30_000 + ms) / 1000) for ms in _EXP_DURATION]
_FIRST_RESPONSE_ARRAY = np.array(_FIRST_RESPONSE, dtype=np.float64)


@dataclass
class GenerateConfig:
    rooms: int  # ordinary rooms; the heavy contact's rooms come on top
    heavy_rooms: int = 100_000
    seed: int = 5
    batch_rooms: int = 10_000  # rooms per batch (the unit of work of a producer)
    commit_rooms: int = 200_000  # bulk mode: rooms per transaction (whole batches)
    agents: int = 24
    sample_contacts: int = 4_000  # ordinary contacts handed to the load run
    search_terms: int = 500
    open_room_share: float = 0.03  # contacts whose newest room is still open
    pareto_alpha: float = 1.25
    max_rooms_per_contact: int = 5_000
    mode: str = "bulk"  # "bulk" or "stores"
    producers: int | None = None  # bulk mode: producer processes (None: one per core, 0: in-process)
    progress: bool = True


@dataclass
class GenerateResult:
    engine: str = ""
    mode: str = ""
    producers: int = 0
    rooms: int = 0  # rows in `rooms`, heavy contact included
    closed_rooms: int = 0
    open_rooms: int = 0
    contacts: int = 0
    visitors: int = 0
    contact_keys: int = 0
    agents: int = 0
    departments: int = 0
    heavy_contact_id: str = ""
    heavy_rooms: int = 0
    heavy_source_totals: dict[str, int] = field(default_factory=dict)  # closed rooms per source term
    largest_ordinary_contact: int = 0
    contacts_by_rooms: dict[str, int] = field(default_factory=dict)  # "1", "2-5", ... -> contacts
    # (ordinary contact id, one of its source terms, its number of closed rooms)
    sample: list[tuple[str, str, int]] = field(default_factory=list)
    search_terms: list[str] = field(default_factory=list)
    admin_username: str = BENCH_ADMIN
    admin_password: str = BENCH_ADMIN_PASSWORD
    seconds: float = 0.0  # the room load: first batch built to last batch committed (staff excluded)
    rooms_per_s: float = 0.0
    write_seconds: float = 0.0  # of `seconds`, spent writing (the rest: building rows, or waiting for them)
    index_seconds: float = 0.0  # of `seconds`, spent building the secondary indexes after the rows
    # ... of which (SQLite, with producers): the rooms' indexes, the wait for the side file's
    # counters, keys and indexes (built meanwhile by another process), and its merge
    end_phase: dict[str, float] = field(default_factory=dict)
    build_cpu_seconds: float = 0.0  # CPU the producers spent building rows (all producers together)
    write_cpu_seconds: float = 0.0  # CPU the producers spent writing them (waits for the lock excluded)

    def summary(self) -> dict[str, Any]:
        out = asdict(self)
        for key in ("sample", "search_terms", "admin_password"):
            out.pop(key)
        return out


# ---- building blocks (shared by the main process and the producers) ---------------------------
_HOURS: dict[int, str] = {}
_MINUTES_SECONDS = tuple(f"{m:02d}:{s:02d}." for m in range(60) for s in range(60))
_MILLIS = tuple(f"{ms:03d}Z" for ms in range(1000))


def iso(ms: int) -> str:
    """`YYYY-MM-DDTHH:MM:SS.mmmZ` for epoch milliseconds (one strftime per hour, cached)."""
    hour, rest = divmod(ms, HOUR_MS)
    prefix = _HOURS.get(hour)
    if prefix is None:
        prefix = time.strftime("%Y-%m-%dT%H:", time.gmtime(hour * 3600))
        _HOURS[hour] = prefix
    return prefix + _MINUTES_SECONDS[rest // 1000] + _MILLIS[rest % 1000]


_FIRST_DAY = START_MS // DAY_MS - 1
# "YYYY-MM-DDT" of every day of the simulated years (and some weeks either side), as code points
_DAY_PREFIXES = np.array(
    [[ord(c) for c in iso(day * DAY_MS)[:11]] for day in range(_FIRST_DAY, END_MS // DAY_MS + 60)],
    dtype=np.uint32,
)


# (character, divisor, base) of each digit of "HH:MM:SS.mmm" in the milliseconds of the day
_TIME_DIGITS = (
    (11, HOUR_MS * 10, 10), (12, HOUR_MS, 10), (14, 600_000, 6), (15, 60_000, 10), (17, 10_000, 6),
    (18, 1000, 10), (20, 100, 10), (21, 10, 10), (22, 1, 10),
)  # fmt: skip


def iso_many(ms: np.ndarray) -> list[str]:
    """`iso` of every value of an array of epoch milliseconds, computed as an array of characters."""
    days, rest = np.divmod(ms, DAY_MS)
    days -= _FIRST_DAY
    if len(days) and (days.min() < 0 or days.max() >= len(_DAY_PREFIXES)):
        return [iso(x) for x in ms.tolist()]
    chars = np.empty((len(ms), 24), dtype=np.uint32)
    chars[:, :11] = _DAY_PREFIXES[days]
    for column, divisor, base in _TIME_DIGITS:
        chars[:, column] = 48 + rest // divisor % base
    chars[:, 13] = chars[:, 16] = ord(":")
    chars[:, 19] = ord(".")
    chars[:, 23] = ord("Z")
    return list(chars.view("U24").ravel().tolist())


_METEOR_TABLE = bytes(ord(METEOR_ALPHABET[i % len(METEOR_ALPHABET)]) for i in range(256))


def room_id_prefix(position: int) -> str:
    """Three Meteor characters, increasing with the batch's place in the write order (the
    alphabet is in ASCII order). Room ids stay 17 Meteor characters, random after these three, so
    the primary-key index of `rooms` grows at its end instead of taking each batch's ids at random
    places all over the index (about a third of the cost of writing a room into SQLite); rows,
    and therefore the rooms of one contact, are still scattered over the table as before."""
    base = len(METEOR_ALPHABET)
    return "".join(METEOR_ALPHABET[position // base**k % base] for k in (2, 1, 0))


class Ids:
    """Deterministic ids of the real shapes: Meteor ids (17 characters of the Meteor alphabet, as
    `omnicontacts.ids.random_id`; drawn from random bytes, so very slightly non-uniform) and
    ObjectId-shaped ids (creation seconds + 8 random bytes, as `omnicontacts.ids.object_id`)."""

    def __init__(self, rng: random.Random) -> None:
        self._randbytes = rng.randbytes
        self._buf = ""
        self._pos = 0
        self._hex = ""
        self._hex_pos = 0

    def meteor(self) -> str:
        pos = self._pos
        if pos + 17 > len(self._buf):
            self._buf = self._randbytes(17 * 2048).translate(_METEOR_TABLE).decode("ascii")
            pos = 0
        self._pos = pos + 17
        return self._buf[pos : pos + 17]

    def object_id(self, at_ms: int) -> str:
        pos = self._hex_pos
        if pos + 16 > len(self._hex):
            self._hex = self._randbytes(8 * 2048).hex()
            pos = 0
        self._hex_pos = pos + 16
        return f"{(at_ms // 1000) & 0xFFFFFFFF:08x}{self._hex[pos : pos + 16]}"


@dataclass(frozen=True)
class Staff:
    agents: tuple[tuple[str, str, str], ...]  # (_id, username, name)
    departments: tuple[str, ...]


@dataclass(frozen=True)
class Heavy:
    """Who the heavy contact is, fixed up front so its rooms can be built in parallel batches."""

    contact: _Contacts  # of one contact
    created_ms: int
    rooms: int


@dataclass(frozen=True)
class Task:
    """One batch: either a slice of the heavy contact's rooms, or whole ordinary contacts."""

    index: int
    seed: int
    guest_start: int = 0  # `guest-N` number of the batch's first visitor
    contacts: tuple[tuple[int, int, int], ...] = ()  # (rooms, channels, created ms) per ordinary contact
    heavy_range: tuple[int, int] | None = None  # heavy room numbers [start, stop)
    sample_cap: int = 64
    position: int = 0  # place in the write order (see room_id_prefix)


@dataclass
class Stats:
    rooms: int = 0
    closed_rooms: int = 0
    open_rooms: int = 0
    contacts: int = 0
    visitors: int = 0
    contact_keys: int = 0
    largest: int = 0
    heavy_source_totals: dict[str, int] = field(default_factory=dict)
    contacts_by_rooms: dict[str, int] = field(default_factory=dict)
    sample: list[tuple[str, str, int]] = field(default_factory=list)
    search_terms: list[str] = field(default_factory=list)


@dataclass
class Batch:
    visitors: list[Document]
    contacts: list[Document]
    rooms: list[Document]
    stats: Stats


@dataclass
class _PlannedRooms:
    """A batch's rooms before they are built, one array element per room."""

    contact: np.ndarray  # index into _Plan.contact_parts
    visitor: np.ndarray  # index into _Plan.visitor_parts
    source: np.ndarray  # index into SOURCES
    channel: np.ndarray  # which of its contact's channels
    ts_ms: np.ndarray  # creation time, epoch ms
    is_open: np.ndarray


@dataclass
class _BuiltRooms:
    """What the contacts need back from their rooms: the last chat. The lists are in write
    order; `position` gives the place in it of each room of the plan."""

    rid: list[str]
    ts: list[str]
    channel: np.ndarray
    position: np.ndarray


@dataclass(frozen=True)
class _Contacts:
    """Contacts before their rooms, one element per contact, with their visitors (one per
    channel) flattened: contact c's are `first_visitor[c]` to `first_visitor[c + 1]`. Names,
    e-mail addresses, phone numbers, ids and tokens come from word lists and alphabets that JSON
    needs no escape for, so the documents' text puts them between quotes as they are."""

    id: list[str]
    name: list[str]
    email: list[str]
    phone: list[str]
    created_ms: np.ndarray
    created: list[str]
    unknown: np.ndarray  # bool
    plan: list[str]  # customFields.plan
    manager: list[str | None]  # contactManager
    first_visitor: np.ndarray  # len + 1 offsets
    visitor_id: list[str]
    visitor_token: list[str]
    visitor_username: list[str]
    visitor_source: np.ndarray  # SOURCES index of each visitor's channel

    def __len__(self) -> int:
        return len(self.id)

    @property
    def channels(self) -> np.ndarray:
        return np.diff(self.first_visitor)

    @property
    def visitor_contact(self) -> np.ndarray:
        return np.repeat(np.arange(len(self)), self.channels)


def _draw_contacts(
    g: np.random.Generator,
    created_ms: np.ndarray,
    channels: np.ndarray,
    guest_start: int,
    agents: tuple[tuple[str, str, str], ...],
) -> _Contacts:
    """Contacts created at `created_ms` with `channels` channels each, every choice drawn for the
    whole batch at once: a name, an e-mail address and a phone number; distinct channels drawn by
    the sources' weights; unknown for about a third, a contact manager for about a fifth."""
    m = len(created_ms)
    first = g.integers(0, len(FIRST_NAMES), m).tolist()
    last = g.integers(0, len(LAST_NAMES), m).tolist()
    mailbox = g.integers(1, 10_000, m).tolist()
    phone = g.integers((1, 200, 1_000_000), (100, 1000, 10_000_000), (m, 3)).tolist()
    # weighted sampling without replacement: the largest keys u ** (1 / weight) (Efraimidis-Spirakis)
    picked = np.argsort(-(g.random((m, len(SOURCES))) ** (1 / _SOURCE_WEIGHTS)), axis=1)[:, :3]
    visitor_source = picked[np.arange(3) < channels[:, None]]
    unknown = g.random(m) < 0.35
    plan = g.integers(0, len(PLANS), m).tolist()
    managed = (g.random(m) < 0.2).tolist() if agents else [False] * m
    manager = g.integers(0, max(1, len(agents)), m).tolist()
    first_visitor = np.concatenate(([0], np.cumsum(channels))).astype(np.int64)
    n_visitors = int(first_visitor[-1])
    visitor_contact = np.repeat(np.arange(m), channels)
    seconds = created_ms // 1000
    return _Contacts(
        id=documents.object_ids(seconds, g.bytes(8 * m).hex()),
        name=[f"{FIRST_NAMES[a]} {LAST_NAMES[b]}" for a, b in zip(first, last, strict=True)],
        email=[
            f"{_FIRST_LOWER[a]}.{_LAST_LOWER[b]}{n}@mail.example"
            for a, b, n in zip(first, last, mailbox, strict=True)
        ],
        phone=[f"+{a} {b} {c}" for a, b, c in phone],
        created_ms=created_ms,
        created=iso_many(created_ms),
        unknown=unknown,
        plan=[PLANS[i] for i in plan],
        manager=[agents[i][0] if yes else None for i, yes in zip(manager, managed, strict=True)],
        first_visitor=first_visitor,
        visitor_id=documents.object_ids(seconds[visitor_contact], g.bytes(8 * n_visitors).hex()),
        visitor_token=_meteors(g, n_visitors, 34),
        visitor_username=[f"guest-{n}" for n in range(guest_start, guest_start + n_visitors)],
        visitor_source=visitor_source.astype(np.int64),
    )


class _Plan:
    """The contacts of a batch and their rooms, planned all at once."""

    def __init__(self, contacts: _Contacts, counts: np.ndarray, open_newest: np.ndarray) -> None:
        self.contacts = contacts
        self.counts = counts  # rooms per contact
        self.ends = np.cumsum(counts)  # per contact, one past its last room in plan order
        self.open_newest = open_newest
        # per contact / visitor, the JSON fragments a room embeds (see _Builder._rooms)
        self.contact_parts = [(i, f'"{name}"') for i, name in zip(contacts.id, contacts.name, strict=True)]
        visitor_contact = contacts.visitor_contact
        self.visitor_parts = documents.visitor_parts(
            contacts.visitor_id,
            contacts.visitor_username,
            contacts.visitor_token,
            contacts.name,
            visitor_contact,
        )
        # per contact, SOURCES index of each channel (3 slots)
        self.sources = np.zeros((len(contacts), 3), dtype=np.int64)
        slot = np.arange(len(visitor_contact)) - contacts.first_visitor[visitor_contact]
        self.sources[visitor_contact, slot] = contacts.visitor_source

    def ordinary(self, g: np.random.Generator) -> _PlannedRooms:
        """Each contact's rooms at uniform times from its creation to the end, oldest first; a
        channel per room (the first channel the most used), the newest room open for some."""
        contact = np.repeat(np.arange(len(self.counts)), self.counts)
        n = len(contact)
        created = self.contacts.created_ms[contact]
        ts_ms = created + (g.random(n) * (END_MS - created)).astype(np.int64)
        ts_ms = ts_ms[np.lexsort((ts_ms, contact))]  # oldest first within each contact
        channels = self.contacts.channels[contact]
        x = g.random(n)
        channel = np.where(
            channels == 1,
            0,
            np.where(channels == 2, (x >= 0.75).astype(np.int64), (x >= 0.7).astype(np.int64) + (x >= 0.9)),
        )
        is_open = np.zeros(n, dtype=bool)
        is_open[self.ends[self.open_newest] - 1] = True
        return _PlannedRooms(
            contact=contact,
            visitor=self.contacts.first_visitor[contact] + channel,
            source=self.sources[contact, channel],
            channel=channel,
            ts_ms=ts_ms,
            is_open=is_open,
        )

    def heavy(self, g: np.random.Generator, heavy: Heavy, start: int, stop: int) -> _PlannedRooms:
        """Rooms `start` to `stop` of the heavy contact (the only contact of its batches): evenly
        spread from its creation to the end, oldest first, on its three channels."""
        n = stop - start
        span = END_MS - heavy.created_ms
        step = max(1, span // heavy.rooms)
        numbers = np.arange(start, stop, dtype=np.int64)
        ts_ms = heavy.created_ms + (span * numbers) // heavy.rooms + g.integers(0, step, n)
        x = g.random(n)
        channel = (x >= HEAVY_WEIGHTS[0]).astype(np.int64) + (x >= HEAVY_WEIGHTS[0] + HEAVY_WEIGHTS[1])
        return _PlannedRooms(
            contact=np.zeros(n, dtype=np.int64),
            visitor=channel,
            source=self.sources[0, channel],
            channel=channel,
            ts_ms=ts_ms,
            is_open=np.zeros(n, dtype=bool),
        )


@dataclass
class Rows:
    """A batch as table rows, ready to write."""

    tables: list[tuple[str, tuple[str, ...], list[Row] | str]]  # (table, columns, rows) in write order
    counters: list[tuple[tuple[str, str, str], int]]  # contact_room_counts deltas by key
    stats: Stats
    write_seconds: float = 0.0  # spent writing `tables` where a producer wrote them itself
    build_cpu: float = 0.0  # CPU seconds the producer spent building the batch ...
    write_cpu: float = 0.0  # ... and writing it (waiting for the write lock excluded)


_BUCKETS = ((1, "1"), (5, "2-5"), (20, "6-20"), (100, "21-100"), (1000, "101-1000"), (None, ">1000"))
PLANS = ("free", "pro", "enterprise")
_SOURCE_WEIGHTS = np.array([s.weight for s in SOURCES])
_FIRST_LOWER = [name.lower() for name in FIRST_NAMES]
_LAST_LOWER = [name.lower() for name in LAST_NAMES]
# what a contact's visitor knows on each source
_KNOWS_EMAIL = np.array([s.doc["type"] in ("widget", "email", "api") for s in SOURCES], dtype=np.uint8)
_KNOWS_PHONE = np.array([s.doc["type"] in ("sms", "app", "widget") for s in SOURCES], dtype=np.uint8)
# The documents' text puts words between quotes as they are (the smoke test checks the text is
# what orjson writes for the document).
assert all(_json(word) == f'"{word}"' for word in (*FIRST_NAMES, *LAST_NAMES, *MESSAGES, *TAGS))
# per source: a contact channel's JSON up to its visitor id, and from there to its `lastChat`
_CHANNEL_PARTS = [
    (
        f'{{"name":{_json(s.doc.get("label") or s.doc["type"])},"visitor":{{"visitorId":"',
        f'","source":{_json({k: v for k, v in s.doc.items() if k in ("type", "id")})}}},'
        f'"blocked":false,"verified":false,"details":{_json(s.doc)}',
    )
    for s in SOURCES
]


def _meteors(g: np.random.Generator, n: int, length: int) -> list[str]:
    """`n` random strings of `length` Meteor-alphabet characters."""
    text = g.bytes(n * length).translate(_METEOR_TABLE).decode("ascii")
    return [text[i : i + length] for i in range(0, n * length, length)]


class _Builder:
    """Builds one batch from its own seed, so the data does not depend on how many processes
    build batches, nor in which order."""

    def __init__(
        self,
        task: Task,
        staff: Staff,
        heavy: Heavy | None,
        cfg: GenerateConfig,
        *,
        as_rows: bool = False,
        copy_text: bool = False,
    ) -> None:
        self.task = task
        self.staff = staff
        self.heavy = heavy
        self.cfg = cfg
        self.stats = Stats()
        self.visitors: list[Document] = []
        self.contacts: list[Document] = []
        self.rooms: list[Document] = []
        # as_rows: each document becomes its table row as soon as it is complete, while it is still
        # in the CPU cache (serialising a whole batch of cold documents later costs several times more)
        self.as_rows = as_rows
        self.copy_text = copy_text
        self.room_rows = _RowTable(ROOM_COLUMNS, copy_text)
        self.visitor_rows = _RowTable(VISITOR_COLUMNS, copy_text)
        self.contact_rows = _RowTable(CONTACT_COLUMNS, copy_text)
        self.key_rows: list[Any] = []
        self.counts: dict[tuple[str, str, str], int] = {}
        self._prefix = room_id_prefix(task.position)
        self.np_rng = np.random.default_rng(task.seed)  # every draw, a batch at a time
        # JSON fragments serialised once, for the room text (see _rooms)
        # (the room's `departmentId` member, its department_id column), by department index; 0: none
        self._department_parts = [
            ("", None),
            *((f',"departmentId":{_json(d)}', d) for d in staff.departments),
        ]
        self._source_parts = [  # by SOURCES index: the room `source`, and its counter key parts
            (
                _json(s.doc),
                livechat_store._lower(s.doc.get("type")),
                livechat_store._lower(s.doc.get("alias")),
            )
            for s in SOURCES
        ]
        # per agent: `servedBy` up to its `ts` value, as message author, as closer
        self._agents = [
            (
                f',"servedBy":{{"_id":{_json(a[0])},"username":{_json(a[1])},"ts":',
                _json({"_id": a[0], "username": a[1], "name": a[2]}),
                _json({"_id": a[0], "username": a[1]}),
            )
            for a in staff.agents
        ]

    def build(self) -> Batch:
        assert not self.as_rows
        self._build()
        return Batch(self.visitors, self.contacts, self.rooms, self.stats)

    def build_rows(self) -> Rows:
        assert self.as_rows
        self._build()
        counters = list(self.counts.items())
        return Rows(
            tables=[
                ("visitors", self.visitor_rows.columns, self.visitor_rows.data()),
                ("contacts", self.contact_rows.columns, self.contact_rows.data()),
                (
                    "contact_keys",
                    ("kind", "value", "contact_id"),
                    "".join(self.key_rows) if self.copy_text else self.key_rows,
                ),
                ("rooms", self.room_rows.columns, self.room_rows.data()),
            ],
            counters=counters,
            stats=self.stats,
        )

    def _build(self) -> None:
        if self.task.heavy_range is not None:
            self._heavy(*self.task.heavy_range)
        else:
            self._ordinary()
        if self.copy_text:  # COPY: the batch's keys in primary-key order (SQLite sorts them at the end)
            self.key_rows.sort()

    def _ordinary(self) -> None:
        """The batch's contacts, then all their rooms at once (see _rooms), then the contacts'
        documents with their last chat."""
        g, task, stats = self.np_rng, self.task, self.stats
        counts, channels, created_ms = np.array(task.contacts, dtype=np.int64).T.copy()
        contacts = _draw_contacts(g, created_ms, channels, task.guest_start, self.staff.agents)
        plan = _Plan(contacts, counts, g.random(len(counts)) < self.cfg.open_room_share)
        planned = plan.ordinary(g)
        rooms = self._rooms(plan, planned)
        stats.largest = max(stats.largest, int(counts.max()))
        buckets = np.searchsorted([upper for upper, _ in _BUCKETS[:-1]], counts)
        for (_, bucket), n in zip(
            _BUCKETS, np.bincount(buckets, minlength=len(_BUCKETS)).tolist(), strict=True
        ):
            if n:
                stats.contacts_by_rooms[bucket] = stats.contacts_by_rooms.get(bucket, 0) + n
        # What the load run asks over HTTP: contacts with closed rooms, each with a source filter
        # that matches (the channel of one of its closed rooms), and search terms from known ones.
        closed = counts - plan.open_newest
        used = np.zeros((len(counts), 3), dtype=bool)
        is_closed = ~planned.is_open
        used[planned.contact[is_closed], planned.channel[is_closed]] = True
        cap = task.sample_cap
        with_closed = np.flatnonzero(closed > 0)
        for c in g.choice(with_closed, min(cap, len(with_closed)), replace=False).tolist():
            channel = g.choice(np.flatnonzero(used[c]))
            stats.sample.append((contacts.id[c], SOURCES[plan.sources[c, channel]].term, int(closed[c])))
        known = np.flatnonzero((closed > 0) & ~contacts.unknown)
        for c in g.choice(known, min(cap, len(known)), replace=False).tolist():
            first, last = contacts.name[c].split(" ", 1)
            email, phone = contacts.email[c], contacts.phone[c]
            options = (first, last, last[:4].lower(), email.split("@")[0], phone[-7:])
            stats.search_terms.append(options[g.integers(len(options))])
        self._emit_contacts(plan, rooms)

    def _heavy(self, start: int, stop: int) -> None:
        heavy = self.heavy
        assert heavy is not None
        plan = _Plan(heavy.contact, np.array([stop - start]), np.zeros(1, dtype=bool))
        planned = plan.heavy(self.np_rng, heavy, start, stop)
        rooms = self._rooms(plan, planned)
        per_channel = np.bincount(planned.channel, minlength=len(HEAVY_SOURCES)).tolist()
        self.stats.heavy_source_totals = {
            SOURCES[source].term: n for source, n in zip(HEAVY_SOURCES, per_channel, strict=True) if n
        }
        if stop == heavy.rooms:  # the last slice writes the contact and its visitors
            self._emit_contacts(plan, rooms)

    def _emit_contacts(self, plan: _Plan, rooms: _BuiltRooms) -> None:
        """The contacts and their visitors, as documents or rows, with `lastChat` (its newest
        room) on the contact, on that room's channel and on its visitor."""
        contacts = plan.contacts
        newest = rooms.position[plan.ends - 1].tolist()
        visitor_rows: list[Row] = []
        contact_rows: list[Row] = []
        key_rows: list[Row] = []
        documents.contact_rows(
            visitor_rows,
            contact_rows,
            key_rows,
            contacts.id,
            contacts.name,
            contacts.email,
            contacts.phone,
            contacts.created,
            contacts.unknown.view(np.uint8),
            contacts.plan,
            contacts.manager,
            contacts.first_visitor,
            rooms.channel[newest],
            [rooms.rid[i] for i in newest],
            [rooms.ts[i] for i in newest],
            contacts.visitor_id,
            contacts.visitor_token,
            contacts.visitor_username,
            contacts.visitor_source,
            _CHANNEL_PARTS,
            _KNOWS_EMAIL,
            _KNOWS_PHONE,
            contacts_store.SEP,
        )
        stats = self.stats
        stats.contacts += len(contact_rows)
        stats.visitors += len(visitor_rows)
        stats.contact_keys += len(key_rows)
        self._keep(self.visitor_rows, visitor_rows, self.visitors)
        self._keep(self.contact_rows, contact_rows, self.contacts)
        if self.as_rows:  # the stores mode writes the keys itself, from the contacts
            self.key_rows += [copy_line(row) for row in key_rows] if self.copy_text else key_rows

    def _keep(self, table: _RowTable, rows: list[Row], documents: list[Document]) -> None:
        """A table's rows as built: as tuples or COPY lines, or (stores mode) their documents
        parsed back from the text."""
        if not self.as_rows:
            documents += [orjson.loads(row[-1]) for row in rows]
        else:
            table.rows += [copy_line(row) for row in rows] if self.copy_text else rows

    # ---- rooms --------------------------------------------------------------------------------
    def _rooms(self, plan: _Plan, planned: _PlannedRooms) -> _BuiltRooms:
        """Every room of the batch, made directly as its JSON text: byte for byte what orjson
        writes for the document (the `stores` mode parses this text back and writes the document
        through `livechat.store.insert_rooms`; the smoke test checks both paths give identical
        rows). The random choices, times and timestamps of the whole batch are drawn and computed
        as arrays; each room is then one f-string over fragments serialised once (the visitor,
        agents, sources, tag sets), which costs a fraction of building a dict per room and
        serialising it. That per-room loop is compiled (`room_rows` in bench/_documents.pyx,
        Cython): this method took 7.8 µs per room with it interpreted, 4.3 µs compiled."""
        g = self.np_rng
        n = len(planned.ts_ms)
        # Rooms reach a real table over time, interleaved between contacts, not one contact's
        # history after the other: the batch writes its rooms in a random order, and gives them
        # ids in increasing order, so the primary-key inserts stay appends (batches themselves
        # interleave the heavy contact with everyone else, see Generator._interleave).
        order = g.permutation(n)
        position = np.empty(n, dtype=np.int64)
        position[order] = np.arange(n)
        planned = _PlannedRooms(
            contact=planned.contact[order],
            visitor=planned.visitor[order],
            source=planned.source[order],
            channel=planned.channel[order],
            ts_ms=planned.ts_ms[order],
            is_open=planned.is_open[order],
        )
        ts_ms = planned.ts_ms
        agents = self._agents
        agent = g.integers(0, len(agents), n) if agents else np.full(n, -1, dtype=np.int64)
        msgs = 2 + _EXP_MSGS_ARRAY[g.integers(0, 1024, n)]
        duration = g.integers(0, 1024, n)
        duration_ms = 30_000 + _EXP_DURATION_ARRAY[duration]
        lm_ms = ts_ms + duration_ms - g.integers(0, 0x8000, n)
        departments = self._department_parts
        department = (
            np.where(g.integers(0, 16, n) < 13, g.integers(1, len(departments), n), 0)  # about 80%
            if len(departments) > 1
            else np.zeros(n, dtype=np.int64)
        )
        first = g.integers(0, 1024, n)
        closer_user = g.integers(0, 16, n) < 11  # about 70% closed by the agent
        author_visitor = g.integers(0, 2, n) == 1
        ts = iso_many(ts_ms)
        rids = [self._prefix + rid for rid in sorted(_meteors(g, n, 14))]
        message_ids = _meteors(g, n, 17)
        tag_set = g.integers(0, len(_TAG_SETS_JSON), n)
        message = g.integers(0, len(MESSAGES), n)
        built = _BuiltRooms(rid=rids, ts=ts, channel=planned.channel, position=position)
        rows: list[Row] = []
        opened = documents.room_rows(
            rows,
            self.counts,
            rids,
            ts,
            iso_many(lm_ms),
            iso_many(ts_ms + 20_000),
            iso_many(ts_ms + duration_ms),
            message_ids,
            msgs,
            _FIRST_RESPONSE_ARRAY[first] * msgs,
            duration,
            first,
            tag_set,
            message,
            department,
            agent,
            author_visitor.view(np.uint8),
            closer_user.view(np.uint8),
            planned.is_open.view(np.uint8),
            planned.contact,
            planned.visitor,
            planned.source,
            plan.contact_parts,
            plan.visitor_parts,
            self._source_parts,
            self._agents,
            departments,
            _CHAT_DURATION_TEXT,
            _FIRST_RESPONSE_TEXT,
            _TAG_SETS_JSON,
            _MESSAGES_JSON,
            2 if agents else 1,
        )
        self._keep(self.room_rows, rows, self.rooms)
        stats = self.stats
        stats.rooms += n
        stats.open_rooms += opened
        stats.closed_rooms += n - opened
        return built


def build_batch(task: Task, staff: Staff, heavy: Heavy | None, cfg: GenerateConfig) -> Batch:
    """One batch as documents (for the stores' own bulk functions)."""
    return _Builder(task, staff, heavy, cfg).build()


def build_rows(
    task: Task, staff: Staff, heavy: Heavy | None, cfg: GenerateConfig, copy_text: bool = False
) -> Rows:
    """The same batch as table rows (for the bulk path): tuples, or COPY text for PostgreSQL."""
    return _Builder(task, staff, heavy, cfg, as_rows=True, copy_text=copy_text).build_rows()


# ---- rows: the stores' own column extraction --------------------------------------------------
def _copy_field(value: Any) -> str:
    """One value in PostgreSQL's COPY text format (what psycopg's `write_row` sends)."""
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


def copy_line(values: Row) -> str:
    return "\t".join([_copy_field(v) for v in values]) + "\n"


class _RowTable:
    """Rows of one table, in the column order of the store's `Collection._row` (`{"id",
    **extract(doc), "doc"}`): as tuples (executemany) or as lines of PostgreSQL COPY text (one
    string per batch: cheap to hand between processes)."""

    def __init__(self, columns: tuple[str, ...], copy_text: bool) -> None:
        self.columns = columns
        self.copy_text = copy_text
        self.rows: list[Any] = []

    def data(self) -> list[Row] | str:
        return "".join(self.rows) if self.copy_text else self.rows


# ---- producer processes -----------------------------------------------------------------------
_CONTEXT: tuple[Staff, Heavy | None, GenerateConfig, str | None, Any, Any, dict[str, str]] | None = None
_CONNECTION: Any = None  # the producer's own connection to the target database
_SIDE: Any = None  # SQLite: its connection to the side file (visitors, contacts, contact keys)
SIDE_TABLES = ("visitors", "contacts", "contact_keys")
# The keys arrive in random order of their primary key: the producers append them to a plain
# table, and the end sorts them into `contact_keys` at once (random inserts into a primary key that
# outgrows the caches cost several times more, and they would hold the side file's lock).
SIDE_LOAD = {"contact_keys": "contact_keys_load"}


def _init_producer(
    staff: Staff,
    heavy: Heavy | None,
    cfg: GenerateConfig,
    url: str | None,
    write_lock: Any,
    side_lock: Any,
    key_fills: dict[str, str],
) -> None:
    global _CONTEXT
    _CONTEXT = (staff, heavy, cfg, url, write_lock, side_lock, key_fills)
    gc.disable()  # documents hold no reference cycles; the collector only slows batch building


def _produce(task: Task) -> Rows:
    """Build one batch and write it with the producer's own connections, handing back only the
    counters (which the main process sums and writes once) and the statistics. PostgreSQL:
    COPY, several producers at once (the server parses the JSON of several batches in parallel).
    SQLite: rooms into the target file, visitors, contacts and keys into the side file, each file
    under its own lock: the rows never cross a process boundary, and while one producer writes
    one file, the other can write the other file or build its next batch."""
    global _CONNECTION, _SIDE
    assert _CONTEXT is not None
    staff, heavy, cfg, url, write_lock, side_lock, key_fills = _CONTEXT
    assert url is not None
    pg = url.startswith("postgresql")
    cpu = time.process_time()
    rows = build_rows(task, staff, heavy, cfg, copy_text=pg)
    build_cpu = time.process_time() - cpu
    if _CONNECTION is None:
        _CONNECTION = _connect(url)
    started, cpu = time.perf_counter(), time.process_time()
    if pg:
        for table, columns, data in rows.tables:
            _copy(_CONNECTION, table, columns, data)
        _CONNECTION.commit()
    else:
        # The producers' own lock, not only SQLite's: a producer waiting for SQLite's lock sleeps
        # in steps of up to 100 ms, and one waiting here wakes as soon as the other commits.
        if _SIDE is None:
            _SIDE = _sqlite_load_connection(_side_url(url))
        for lock, connection, tables in (
            (side_lock, _SIDE, [t for t in rows.tables if t[0] in SIDE_TABLES]),
            (write_lock, _CONNECTION, [t for t in rows.tables if t[0] not in SIDE_TABLES]),
        ):
            with lock:
                connection.execute("BEGIN IMMEDIATE")
                for table, columns, data in tables:
                    if data:
                        keys = key_fills.get(table)
                        if keys:
                            last = connection.execute(f'SELECT max(rowid) FROM "{table}"').fetchall()[0][0]
                        connection.executemany(_insert_sql(SIDE_LOAD.get(table, table), columns), data)
                        if keys:
                            connection.execute(keys, (last or 0,))
                connection.execute("COMMIT")
    return Rows(
        tables=[],
        counters=rows.counters,
        stats=rows.stats,
        write_seconds=time.perf_counter() - started,
        build_cpu=build_cpu,
        write_cpu=time.process_time() - cpu,
    )


def _side_url(url: str) -> str:
    return url + "-side"


def _make_side_file(conn: Connection, url: str) -> None:
    """A fresh SQLite file with the tables of SIDE_TABLES exactly as the target has them (the
    secondary indexes are dropped by then): the producers write visitors, contacts and their keys
    there, under a lock of their own, while the other producer writes rooms into the target."""
    from sqlalchemy.engine import make_url

    path = str(make_url(_side_url(url)).database)
    for suffix in ("", "-journal", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    names = ", ".join(f"'{t}'" for t in (*SIDE_TABLES, "contact_room_counts"))
    ddl = [
        str(row[0])
        for row in conn.exec_driver_sql(
            f"SELECT sql FROM sqlite_master WHERE tbl_name IN ({names}) AND sql IS NOT NULL "
            "ORDER BY type DESC"  # tables first
        )
    ]
    conn.commit()
    side = _sqlite_load_connection(_side_url(url))
    try:
        side.execute("PRAGMA page_size=16384")
        for statement in ddl:
            side.execute(statement)
        side.execute("CREATE TABLE contact_keys_load (kind, value, contact_id)")
    finally:
        side.close()


def _finish_side_file(
    url: str, indexes: list[Index], counters: list[tuple[tuple[str, str, str], int]]
) -> None:
    """The closed-room counters (summed over the whole load, in key order), the contact keys in
    primary-key order, and the indexes of the side file's tables."""
    raw = _sqlite_load_connection(_side_url(url), *SQLITE_INDEX_PRAGMAS)
    try:
        raw.execute("BEGIN IMMEDIATE")
        raw.executemany(
            "INSERT INTO contact_room_counts (contact_id, source_type, source_alias, closed) "
            "VALUES (?, ?, ?, ?)",
            [(*key, n) for key, n in counters],
        )
        raw.execute(
            "INSERT INTO contact_keys (kind, value, contact_id) SELECT kind, value, contact_id "
            "FROM contact_keys_load ORDER BY kind, value, contact_id"
        )
        raw.execute("DROP TABLE contact_keys_load")
        for _, ddl, _ in indexes:
            raw.execute(ddl)
        raw.execute("COMMIT")
    finally:
        raw.close()


def _merge_side_file(url: str, indexes: list[Index]) -> None:
    """Copy the side file's tables, with their indexes, into the target's (empty) ones: after
    creating the same indexes on the empty tables, `INSERT INTO t SELECT * FROM side.t` between
    identical tables is SQLite's transfer optimisation, a page-order copy of the records and of
    every index without decoding or sorting anything. Then remove the side file."""
    from sqlalchemy.engine import make_url

    raw = _sqlite_load_connection(url)
    path = str(make_url(_side_url(url)).database)
    try:
        raw.execute(f"ATTACH DATABASE '{path}' AS side")
        raw.execute("BEGIN IMMEDIATE")
        for _, ddl, _ in indexes:
            raw.execute(ddl)
        for table in SIDE_TABLES:
            raw.execute(f'INSERT INTO main."{table}" SELECT * FROM side."{table}"')
        raw.execute(_MERGE_COUNTERS)
        raw.execute("COMMIT")
        raw.execute("DETACH DATABASE side")
    finally:
        raw.close()
    os.remove(path)


# ---- index keys (SQLite) ----------------------------------------------------------------------
# A room's row is about 1.6 KB (its document), its index keys about 130 bytes, and every CREATE
# INDEX reads the whole table: at 10M rooms, four scans of a 16 GB table that no longer fits in the
# page cache beside everything else (80 s of the load, mostly reading from the disk). So while
# writing the rooms, the producers copy the columns the rooms' indexes hold, with the same rowid,
# into a narrow table declared like the rooms table (same types: same affinity, same stored
# values); the indexes are built on that table - the very same B-trees, whose entries are (key
# columns, rowid) - and then handed to `rooms` in the schema (`_build_from_keys`). The smoke test runs
# `PRAGMA integrity_check`, which checks every index entry against its table row.
KEYED_TABLES = ("rooms",)


def _keys_table(table: str) -> str:
    return f"{table}_index_keys"


KeyColumns = dict[str, list[tuple[str, str]]]  # keyed table -> its indexed (column, declared type)


def _index_columns(conn: Connection, indexes: list[Index]) -> KeyColumns:
    """Per keyed table, the columns its secondary indexes hold, in table order, with their declared
    types (read before the indexes are dropped)."""
    out: KeyColumns = {}
    for table in KEYED_TABLES:
        used = {
            str(row[0])
            for index in indexes
            if index.table == table
            for row in conn.exec_driver_sql(f"SELECT name FROM pragma_index_info('{index.name}')")
        }
        declared = conn.exec_driver_sql(f"SELECT name, type FROM pragma_table_info('{table}')").all()
        if used:
            out[table] = [(str(name), str(type_)) for name, type_ in declared if name in used]
    conn.commit()
    return out


def _make_keys_tables(conn: Connection, columns: KeyColumns) -> None:
    with conn.begin():
        for table, declared in columns.items():
            listed = ", ".join(f'"{name}" {type_}' for name, type_ in declared)
            conn.exec_driver_sql(f'CREATE TABLE "{_keys_table(table)}" ({listed})')


def _keys_fills(columns: KeyColumns) -> dict[str, str]:
    """Per keyed table, the statement a producer runs after writing a batch of its rows: copy the
    index keys of the rows past the rowid bound to it into the keys table."""
    out = {}
    for table, declared in columns.items():
        listed = ", ".join(f'"{name}"' for name, _ in declared)
        out[table] = (
            f'INSERT INTO "{_keys_table(table)}" (rowid, {listed}) '
            f'SELECT rowid, {listed} FROM "{table}" WHERE rowid > ?'
        )
    return out


_INDEX_DDL = re.compile(r'CREATE INDEX ("?)(\w+)\1 ON ("?)(\w+)\3 \(')


def _build_from_keys(raw: Any, indexes: list[Index]) -> None:
    """Build `indexes` (of keyed tables) on the keys tables, hand them to their tables in the
    schema, and commit; the caller reopens the file and drops the keys tables
    (`_drop_keys_tables`). Inside the caller's transaction until the commit."""
    adopted = []
    for index in indexes:
        match = _INDEX_DDL.match(index.ddl)
        if match is None or match.group(4) != index.table:
            raise RuntimeError(f"unexpected index DDL: {index.ddl}")
        staged = f"{index.name}__keys"
        raw.execute(f'CREATE INDEX "{staged}" ON "{_keys_table(index.table)}" (' + index.ddl[match.end() :])
        adopted.append((index.name, index.table, index.ddl, staged))
    version = raw.execute("PRAGMA schema_version").fetchall()[0][0]
    raw.execute("PRAGMA writable_schema=ON")
    for name, table, ddl, staged in adopted:
        raw.execute(
            "UPDATE sqlite_schema SET name = ?, tbl_name = ?, sql = ? WHERE type = 'index' AND name = ?",
            (name, table, ddl, staged),
        )
    raw.execute(f"PRAGMA schema_version={version + 1}")
    raw.execute("PRAGMA writable_schema=OFF")
    raw.execute("COMMIT")


def _drop_keys_tables(raw: Any) -> None:
    """On a connection opened after `_build_from_keys` (its schema read anew): drop the keys
    tables, whose pages go to the free list (the side file's merge reuses them)."""
    raw.execute("BEGIN IMMEDIATE")
    for table in KEYED_TABLES:
        raw.execute(f'DROP TABLE IF EXISTS "{_keys_table(table)}"')
    raw.execute("COMMIT")


def _connect(url: str) -> Any:
    if url.startswith("postgresql"):
        from sqlalchemy import create_engine
        from sqlalchemy.pool import NullPool

        raw = create_engine(url, poolclass=NullPool).raw_connection()
        raw.cursor().execute("SET synchronous_commit = off")
        raw.commit()
        return raw
    return _sqlite_load_connection(url)


def _sqlite_load_connection(url: str, *pragmas: str) -> Any:
    """A connection for bulk writes into a SQLite file: APSW, with the SQLite it bundles (a
    recent release, whose inserts and index builds take about a third less CPU than the system
    library's), the same file format. No implicit transactions: the caller says BEGIN."""
    import apsw
    from sqlalchemy.engine import make_url

    raw = apsw.Connection(str(make_url(url).database))
    raw.set_busy_timeout(3_600_000)
    for pragma in (*SQLITE_LOAD_PRAGMAS, *pragmas):
        raw.execute(f"PRAGMA {pragma}")
    return raw


# The load connections of SQLite: the file is throwaway until the load has finished, so no
# journal and no fsync. A small page cache: the rows are appended, pages written once and not read
# again, and a large cache only costs fresh memory for every new page (about half of the cost of
# writing a room into a million-room file).
SQLITE_LOAD_PRAGMAS = (
    "journal_mode=OFF",
    "synchronous=OFF",
    "cache_size=-32000",
    # a connection drops its cache whenever the other producer has written: it rereads from the map
    "mmap_size=4294967296",
    "foreign_keys=OFF",  # consistent by construction (the smoke test runs foreign_key_check)
)
# ... and for building the indexes after the rows: the sorter spills runs of a few MB to temporary
# files and sorts and merges them on a helper thread (with temp_store=MEMORY it uses none); runs of
# 4 MB sort in the CPU caches (1M rooms: 2.7-3.0 s for the four rooms indexes, 3.6-3.8 s with 16 MB)
SQLITE_INDEX_PRAGMAS = ("cache_size=-4000", "temp_store=FILE", "threads=2")


def _insert_sql(table: str, columns: tuple[str, ...]) -> str:
    names = ", ".join(f'"{c}"' for c in columns)
    return f'INSERT INTO "{table}" ({names}) VALUES ({", ".join("?" * len(columns))})'


def _copy(raw: Any, table: str, columns: tuple[str, ...], data: list[Row] | str) -> None:
    """COPY rows into a PostgreSQL table (psycopg 3)."""
    if not data:
        return
    names = ", ".join(f'"{c}"' for c in columns)
    with raw.cursor() as cur, cur.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
        if isinstance(data, str):
            copy.write(data)
        else:
            for row in data:
                copy.write_row(row)


# ---- writers ----------------------------------------------------------------------------------
class _BulkWriter:
    """Writes batches in transactions of about `commit_rooms` rooms. Several batches share one
    transaction: each commit writes every page dirtied since the last one, and inserts in the
    (random) primary-key order dirty pages all over that index, so fewer commits write far less."""

    def __init__(self, conn: Connection, commit_rooms: int) -> None:
        self.conn = conn
        self.pg = is_postgres(conn)
        self.quote = conn.dialect.identifier_preparer.quote
        self.commit_rooms = commit_rooms
        self._transaction: Any = None
        self._pending = 0
        # closed-room counters summed over every batch and upserted once per key at the end:
        # one statement per counter instead of one per counter and batch
        self.counters: dict[tuple[str, str, str], int] = {}

    def write(self, rows: Rows) -> None:
        for table, columns, data in rows.tables:  # none when the producer wrote them itself
            if data:
                if self._transaction is None:
                    self._transaction = self.conn.begin()
                self._insert(table, columns, data)
        counters = self.counters
        for key, n in rows.counters:
            counters[key] = counters.get(key, 0) + n
        self._pending += rows.stats.rooms
        if self._pending >= self.commit_rooms:
            self.commit()

    def finish(self) -> None:
        """Upsert the counters (in key order: local inserts) and commit."""
        if self.counters:
            if self._transaction is None:
                self._transaction = self.conn.begin()
            deltas = [
                {"contact_id": k[0], "source_type": k[1], "source_alias": k[2], "delta": n}
                for k, n in sorted(self.counters.items())
            ]
            self.conn.execute(livechat_store._BUMP, deltas)
            self.counters = {}
        self.commit()

    def commit(self) -> None:
        if self._transaction is not None:
            self._transaction.commit()
        self._transaction = None
        self._pending = 0

    def _insert(self, table: str, columns: tuple[str, ...], data: list[Row] | str) -> None:
        if self.pg:
            _copy(self.conn.connection.dbapi_connection, table, columns, data)
            return
        assert not isinstance(data, str)
        self.conn.exec_driver_sql(_insert_sql(table, columns), data)


BULK_TABLES = ("rooms", "visitors", "contacts", "contact_keys")
# the counters go from the side file into the target as livechat.store._BUMP adds them up
_MERGE_COUNTERS = (
    "INSERT INTO main.contact_room_counts SELECT * FROM side.contact_room_counts WHERE true "
    "ON CONFLICT (contact_id, source_type, source_alias) "
    "DO UPDATE SET closed = contact_room_counts.closed + excluded.closed"
)


class Index(NamedTuple):
    name: str
    ddl: str
    table: str


def _secondary_indexes(conn: Connection) -> list[Index]:
    """The plain, non-unique indexes of the bulk tables, exactly as the migrations
    made them. The bulk path drops them while loading and re-creates them from this DDL after
    (a sorted build is far cheaper than one random insert per row and index); primary keys and
    unique constraints stay in place throughout."""
    names = ", ".join(f"'{t}'" for t in BULK_TABLES)
    if is_postgres(conn):
        rows = conn.exec_driver_sql(
            "SELECT indexname, indexdef, tablename FROM pg_indexes WHERE schemaname = current_schema() "
            f"AND tablename IN ({names}) AND indexname NOT IN (SELECT conname FROM pg_constraint)"
        ).all()
    else:
        rows = conn.exec_driver_sql(
            "SELECT name, sql, tbl_name FROM sqlite_master WHERE type = 'index' "
            f"AND tbl_name IN ({names}) AND sql IS NOT NULL"
        ).all()
    conn.commit()
    return sorted(Index(*map(str, row)) for row in rows if "UNIQUE" not in str(row[1]).upper())


def _drop_indexes(conn: Connection, indexes: list[Index]) -> None:
    with conn.begin():
        for name, _, _ in indexes:
            conn.exec_driver_sql(f"DROP INDEX {conn.dialect.identifier_preparer.quote(name)}")


def _create_indexes(conn: Connection, indexes: list[Index], keyed_tables: tuple[str, ...] = ()) -> None:
    """Build `indexes`; on SQLite those of `keyed_tables` from their keys tables."""
    if is_postgres(conn):
        with conn.begin():
            for _, ddl, _ in indexes:
                conn.exec_driver_sql(ddl)
        return
    url = conn.engine.url.render_as_string()
    keyed = [index for index in indexes if index.table in keyed_tables]
    raw = _sqlite_load_connection(url, *SQLITE_INDEX_PRAGMAS)
    try:
        raw.execute("BEGIN IMMEDIATE")
        for _, ddl, _ in (index for index in indexes if index not in keyed):
            raw.execute(ddl)
        if keyed:
            _build_from_keys(raw, keyed)  # commits
        else:
            raw.execute("COMMIT")
    finally:
        raw.close()
    if keyed:
        raw = _sqlite_load_connection(url)
        try:
            _drop_keys_tables(raw)
        finally:
            raw.close()


def _write_through_stores(conn: Connection, batch: Batch) -> None:
    with conn.begin():
        livechat_store.visitors.insert_many(conn, batch.visitors, touch=False)
        contacts_store.insert_contacts(conn, batch.contacts, touch=False)
        livechat_store.insert_rooms(conn, batch.rooms, touch=False)


# ---- orchestration ------------------------------------------------------------------------------
class Generator:
    def __init__(self, engine: Engine, config: GenerateConfig) -> None:
        if config.mode not in ("bulk", "stores"):
            raise ValueError(f"unknown mode {config.mode!r}")
        self.engine = engine
        self.cfg = config
        self.rng = random.Random(config.seed)
        self.ids = Ids(self.rng)
        self.write_seconds = 0.0
        self.index_seconds = 0.0
        self.end_phase: dict[str, float] = {}
        self.build_cpu = 0.0
        self.write_cpu = 0.0

    def run(self) -> GenerateResult:
        cfg = self.cfg
        producers = (
            0 if cfg.mode == "stores" else (os.cpu_count() or 1) if cfg.producers is None else cfg.producers
        )
        result = GenerateResult(engine=self.engine.dialect.name, mode=cfg.mode, producers=producers)
        with self.engine.connect() as conn:
            try:
                self._tune(conn)
                conn.execution_options(**WRITE)
                with conn.begin():
                    staff = self._staff(conn)
                result.agents, result.departments = len(staff.agents), len(staff.departments)
                heavy = self._heavy_identity(staff.agents) if cfg.heavy_rooms else None
                tasks = self._interleave(list(self._plan(heavy)))
                started = time.perf_counter()
                with tqdm(
                    total=cfg.rooms + cfg.heavy_rooms,
                    unit="room",
                    unit_scale=True,
                    disable=not cfg.progress,
                    file=sys.stderr,
                    desc=f"{result.engine} load",
                ) as bar:
                    for stats in self._load(conn, tasks, staff, heavy, producers):
                        self._add(result, stats)
                        bar.update(stats.rooms)
                self._untune(conn)
                result.seconds = time.perf_counter() - started
            finally:
                conn.invalidate()  # never hand the tuned load connection back to the pool
        result.rooms_per_s = result.rooms / result.seconds if result.seconds else 0.0
        result.write_seconds = round(self.write_seconds, 2)
        result.index_seconds = round(self.index_seconds, 2)
        result.end_phase = self.end_phase
        result.build_cpu_seconds = round(self.build_cpu, 2)
        result.write_cpu_seconds = round(self.write_cpu, 2)
        if heavy is not None:
            result.heavy_contact_id, result.heavy_rooms = heavy.contact.id[0], heavy.rooms
        final = random.Random(cfg.seed + 1)
        result.sample = final.sample(result.sample, min(cfg.sample_contacts, len(result.sample)))
        result.search_terms = final.sample(
            result.search_terms, min(cfg.search_terms, len(result.search_terms))
        )
        return result

    def _load(
        self, conn: Connection, tasks: list[Task], staff: Staff, heavy: Heavy | None, producers: int
    ) -> Iterator[Stats]:
        if self.cfg.mode == "stores":
            for task in tasks:
                batch = build_batch(task, staff, heavy, self.cfg)
                _write_through_stores(conn, batch)
                yield batch.stats
            return
        writer = _BulkWriter(conn, self.cfg.commit_rooms)
        indexes = _secondary_indexes(conn)
        key_columns: KeyColumns = {} if writer.pg or producers <= 0 else _index_columns(conn, indexes)
        _drop_indexes(conn, indexes)
        collecting = gc.isenabled()
        gc.disable()
        try:
            if producers <= 0:
                for task in tasks:
                    yield self._timed(writer, build_rows(task, staff, heavy, self.cfg, writer.pg))
            else:
                context = multiprocessing.get_context("fork")
                url = self.engine.url.render_as_string(hide_password=False)
                locks = (context.Lock(), context.Lock())
                if not writer.pg:
                    _make_side_file(conn, url)
                    _make_keys_tables(conn, key_columns)
                fills = _keys_fills(key_columns)
                with context.Pool(
                    producers, _init_producer, (staff, heavy, self.cfg, url, *locks, fills)
                ) as pool:
                    pending: deque[Any] = deque()
                    queue = iter(tasks)
                    for task in queue:  # keep a bounded number of batches in flight, in order
                        pending.append(pool.apply_async(_produce, (task,)))
                        if len(pending) >= producers + 2:
                            break
                    while pending:
                        rows = pending.popleft().get()
                        following = next(queue, None)
                        if following is not None:
                            pending.append(pool.apply_async(_produce, (following,)))
                        yield self._timed(writer, rows)
            side_file = producers > 0 and not writer.pg
            counters = sorted(writer.counters.items()) if side_file else []
            if side_file:
                writer.counters = {}  # written into the side file, see below
            started = time.perf_counter()
            writer.finish()
            self.write_seconds += time.perf_counter() - started
        finally:
            if collecting:
                gc.enable()
        started = time.perf_counter()
        if side_file:
            # the counters and the side file's indexes on another process, while this one builds
            # the rooms' indexes in the target
            url = self.engine.url.render_as_string(hide_password=False)
            side = [index for index in indexes if index.table in SIDE_TABLES]
            builder = multiprocessing.get_context("fork").Process(
                target=_finish_side_file, args=(url, side, counters)
            )
            builder.start()
            _create_indexes(conn, [index for index in indexes if index not in side], tuple(key_columns))
            rooms_done = time.perf_counter()
            builder.join()
            if builder.exitcode != 0:
                raise RuntimeError(f"building the side file's indexes failed ({builder.exitcode})")
            side_done = time.perf_counter()
            _merge_side_file(url, side)
            self.end_phase = {
                "rooms_indexes": round(rooms_done - started, 2),
                "side_file_wait": round(side_done - rooms_done, 2),
                "merge": round(time.perf_counter() - side_done, 2),
            }
        else:
            _create_indexes(conn, indexes)
        self.index_seconds = time.perf_counter() - started

    def _timed(self, writer: _BulkWriter, rows: Rows) -> Stats:
        """Write one batch (or only its counters, when its producer wrote it), counting the time
        spent writing."""
        started = time.perf_counter()
        writer.write(rows)
        self.write_seconds += time.perf_counter() - started + rows.write_seconds
        self.build_cpu += rows.build_cpu
        self.write_cpu += rows.write_cpu
        return rows.stats

    @staticmethod
    def _add(result: GenerateResult, stats: Stats) -> None:
        for name in ("rooms", "closed_rooms", "open_rooms", "contacts", "visitors", "contact_keys"):
            setattr(result, name, getattr(result, name) + getattr(stats, name))
        result.largest_ordinary_contact = max(result.largest_ordinary_contact, stats.largest)
        for key, n in stats.heavy_source_totals.items():
            result.heavy_source_totals[key] = result.heavy_source_totals.get(key, 0) + n
        for key, n in stats.contacts_by_rooms.items():
            result.contacts_by_rooms[key] = result.contacts_by_rooms.get(key, 0) + n
        result.sample.extend(stats.sample)
        result.search_terms.extend(stats.search_terms)

    # ---- plan -----------------------------------------------------------------------------------
    def _plan(self, heavy: Heavy | None) -> Iterator[Task]:
        cfg, rng = self.cfg, self.rng
        index = 0
        total = max(1, cfg.rooms + cfg.heavy_rooms)
        cap = 8 + math.ceil(2 * cfg.sample_contacts * cfg.batch_rooms / total)
        if heavy is not None:
            for start in range(0, heavy.rooms, cfg.batch_rooms):
                stop = min(heavy.rooms, start + cfg.batch_rooms)
                yield Task(index, cfg.seed * 1_000_003 + index, heavy_range=(start, stop))
                index += 1
        guest = 1 + (len(HEAVY_SOURCES) if heavy is not None else 0)
        remaining = cfg.rooms
        most = max(5, min(cfg.max_rooms_per_contact, cfg.rooms // 20))
        contacts: list[tuple[int, int, int]] = []
        in_batch = 0
        batch_guest = guest
        # Contacts are created in the order they are written, spread evenly over the simulated
        # years (as in a real deployment, ids grow with creation time); their rooms are spread from
        # their creation to the end. Writing in id order also keeps the bulk load's index inserts
        # mostly appends.
        span = END_MS - 30 * DAY_MS - START_MS
        while remaining > 0:
            k = min(int(rng.paretovariate(cfg.pareto_alpha)), most, remaining)
            x = rng.random()
            channels = 1 if k == 1 or x < 0.75 else (2 if x < 0.95 else 3)
            created_ms = (
                START_MS + span * (cfg.rooms - remaining) // max(1, cfg.rooms) + rng.randrange(60_000)
            )
            contacts.append((k, channels, created_ms))
            guest += channels
            in_batch += k
            remaining -= k
            if in_batch >= cfg.batch_rooms or remaining == 0:
                yield Task(index, cfg.seed * 1_000_003 + index, batch_guest, tuple(contacts), sample_cap=cap)
                index += 1
                contacts, in_batch, batch_guest = [], 0, guest

    @staticmethod
    def _interleave(tasks: list[Task]) -> list[Task]:
        """Spread the heavy contact's batches evenly among the others (write order only: every
        batch builds from its own seed)."""
        heavy = [t for t in tasks if t.heavy_range is not None]
        ordinary = [t for t in tasks if t.heavy_range is None]
        out: list[Task] = tasks
        if heavy and ordinary:
            out = []
            step = len(ordinary) / len(heavy)
            for i, task in enumerate(heavy):
                out += ordinary[round(i * step) : round((i + 1) * step)]
                out.append(task)
        return [replace(task, position=n) for n, task in enumerate(out)]

    def _heavy_identity(self, agents: tuple[tuple[str, str, str], ...]) -> Heavy:
        """The heavy contact: drawn as any contact (its first visitor is `guest-1`), then given
        its name, its three channels and no manager."""
        drawn = _draw_contacts(
            np.random.default_rng(self.cfg.seed),
            np.array([START_MS]),
            np.array([len(HEAVY_SOURCES)]),
            1,
            agents,
        )
        contact = replace(
            drawn,
            name=[HEAVY_NAME],
            unknown=np.zeros(1, dtype=bool),
            plan=["enterprise"],
            manager=[None],
            visitor_source=np.array(HEAVY_SOURCES, dtype=np.int64),
        )
        return Heavy(contact, START_MS, self.cfg.heavy_rooms)

    # ---- setup ------------------------------------------------------------------------------
    def _tune(self, conn: Connection) -> None:
        if is_postgres(conn):
            conn.exec_driver_sql("SET synchronous_commit = off")
            conn.commit()
            return
        raw: Any = conn.connection.dbapi_connection  # autocommit mode (db.engine): outside any transaction
        for pragma in (*SQLITE_LOAD_PRAGMAS, *SQLITE_INDEX_PRAGMAS):
            raw.execute(f"PRAGMA {pragma}")

    def _untune(self, conn: Connection) -> None:
        if is_postgres(conn):
            return
        raw: Any = conn.connection.dbapi_connection
        raw.execute("PRAGMA foreign_keys=ON")
        raw.execute("PRAGMA journal_mode=WAL")  # persistent in the file, as the server expects

    def _staff(self, conn: Connection) -> Staff:
        from omnicontacts.users.service import create_user

        departments = []
        for name in DEPARTMENTS:
            departments.append(
                {
                    "_id": self.ids.object_id(START_MS),
                    "name": name,
                    "enabled": True,
                    "showOnRegistration": True,
                    "showOnOfflineForm": True,
                    "email": f"{name.lower()}@example.com",
                    "description": f"{name} team",
                    "numAgents": 0,
                    "_updatedAt": iso(START_MS),
                }
            )
        livechat_store.departments.insert_many(conn, departments, touch=False)
        agents = []
        for n in range(self.cfg.agents):
            first, last = FIRST_NAMES[n % len(FIRST_NAMES)], LAST_NAMES[(n * 7) % len(LAST_NAMES)]
            username = f"agent.{first.lower()}.{n}"
            user = create_user(
                conn,
                username=username,
                name=f"{first} {last}",
                password="bench-agent-pass-1",
                email=f"{username}@example.com",
                roles=["user", "livechat-agent"],
                extra={"statusLivechat": "available", "livechat": {"maxNumberSimultaneousChat": 5}},
                user_id=self.ids.meteor(),
            )
            agents.append((str(user["_id"]), username, str(user["name"])))
        create_user(
            conn,
            username=BENCH_ADMIN,
            name="Benchmark Admin",
            password=BENCH_ADMIN_PASSWORD,
            email="bench.admin@example.com",
            roles=["admin"],
        )
        return Staff(tuple(agents), tuple(str(d["_id"]) for d in departments))


def generate(engine: Engine, config: GenerateConfig) -> GenerateResult:
    """Load one data set into a migrated, seeded database (see `prepare_database`)."""
    return Generator(engine, config).run()


def finish_load(engine: Engine) -> None:
    """What a production database would have done by itself some time after a bulk load:
    PostgreSQL's autovacuum (visibility map for index-only scans, planner statistics); SQLite
    needs nothing (no statistics are gathered by the application either)."""
    if is_postgres(engine):
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM (ANALYZE)")


def prepare_database(url: str) -> Engine:
    """A migrated and seeded database at `url` (production settings: no TEST_MODE admin)."""
    from omnicontacts.bootstrap import prepare
    from omnicontacts.config import Config
    from omnicontacts.db.engine import make_engine

    engine = make_engine(url)
    prepare(engine, Config(database_url=url))
    return engine


def main(argv: list[str] | None = None, *, out: Callable[[str], None] = print) -> GenerateResult:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description="Load benchmark data.")
    parser.add_argument("--url", required=True, help="database URL, e.g. sqlite:///data/bench.sqlite3")
    parser.add_argument(
        "--rooms", type=int, required=True, help="ordinary rooms (the heavy contact's come on top)"
    )
    parser.add_argument("--heavy-rooms", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--batch", type=int, default=10_000, help="rooms per transaction")
    parser.add_argument("--mode", choices=("bulk", "stores"), default="bulk")
    parser.add_argument("--producers", type=int, default=None, help="bulk mode: producer processes")
    parser.add_argument("--no-progress", action="store_true")
    args = parser.parse_args(argv)
    engine = prepare_database(args.url)
    try:
        result = generate(
            engine,
            GenerateConfig(
                rooms=args.rooms,
                heavy_rooms=args.heavy_rooms,
                seed=args.seed,
                batch_rooms=args.batch,
                mode=args.mode,
                producers=args.producers,
                progress=not args.no_progress,
            ),
        )
        started = time.perf_counter()
        finish_load(engine)
        settle = time.perf_counter() - started
    finally:
        engine.dispose()
    out(
        f"loaded {result.rooms:,} rooms ({result.closed_rooms:,} closed, {result.open_rooms:,} open), "
        f"{result.contacts:,} contacts, {result.visitors:,} visitors into {result.engine} "
        f"({result.mode}, {result.producers} producers) in {result.seconds:.1f} s: "
        f"{result.rooms_per_s:,.0f} rooms/s ({result.write_seconds:.1f} s writing rows, "
        f"{result.index_seconds:.1f} s building indexes; producers' CPU: {result.build_cpu_seconds:.1f} s "
        f"building rows, {result.write_cpu_seconds:.1f} s writing them)"
        + (f" (+{settle:.1f} s VACUUM ANALYZE)" if settle > 0.05 else "")
    )
    if result.end_phase:
        parts = (f"{key.replace('_', ' ')} {value:.1f}" for key, value in result.end_phase.items())
        out("end phase (s): " + ", ".join(parts))
    out(
        f"heavy contact {result.heavy_contact_id}: {result.heavy_rooms:,} closed rooms "
        f"{result.heavy_source_totals}"
    )
    out(f"contacts by number of rooms: {result.contacts_by_rooms}")
    return result


if __name__ == "__main__":
    main()
