"""`omnicontacts demo-data`: a believable contact center, built through the real services (the
same code paths as the API), replayed over the last six months with `ids.clock_at`.

Agents and a manager, three departments, custom fields, 220+ customers (some pre-registered as
contacts, most arriving as visitors), and a long-tailed history of conversations over the widget,
the API, e-mail, SMS, WhatsApp and Telegram: most closed with tags, a few still open."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.engine import Connection

from omnicontacts.contacts import service as contacts
from omnicontacts.db.engine import WRITE
from omnicontacts.ids import clock_at
from omnicontacts.livechat import service as livechat
from omnicontacts.livechat import store as livechat_store
from omnicontacts.settings_store import store as settings_store
from omnicontacts.users import service as users
from omnicontacts.users import store as users_store

AGENT_PASSWORD = "demo-agent-pass"
AGENTS = [
    ("maria.garcia", "Maria Garcia"),
    ("james.okafor", "James Okafor"),
    ("li.wei", "Li Wei"),
    ("sofia.rossi", "Sofia Rossi"),
]
MANAGER = ("priya.natarajan", "Priya Natarajan")
DEPARTMENTS = [("sales", "Sales"), ("support", "Support"), ("billing", "Billing")]
SOURCES: list[dict[str, Any]] = [
    {"type": "widget", "destination": "shop.example.com"},
    {"type": "api"},
    {"type": "email", "id": "support-inbox", "alias": "support@example.com"},
    {"type": "sms", "id": "sms-gateway", "alias": "SMS"},
    {"type": "app", "id": "whatsapp", "alias": "WhatsApp", "label": "WhatsApp"},
    {"type": "app", "id": "telegram", "alias": "Telegram", "label": "Telegram"},
]
FIRST = [
    "Ana",
    "Ben",
    "Chloe",
    "Diego",
    "Emma",
    "Farah",
    "Gustav",
    "Hana",
    "Ivan",
    "Julia",
    "Kofi",
    "Lena",
    "Mateo",
    "Nora",
    "Omar",
    "Paula",
    "Quinn",
    "Rosa",
    "Sam",
    "Tara",
    "Umar",
    "Vera",
    "Wen",
    "Yusuf",
]
LAST = [
    "Andersen",
    "Brown",
    "Costa",
    "Dubois",
    "Evans",
    "Fischer",
    "Gomez",
    "Huang",
    "Ito",
    "Jensen",
    "Khan",
    "Lopez",
    "Moreau",
    "Nakamura",
    "Okoro",
    "Petrov",
    "Quispe",
    "Rahman",
    "Silva",
    "Tanaka",
]
TOPICS: list[tuple[str, list[str], list[str]]] = [
    (
        "billing",
        ["Hi, I was charged twice for my last order.", "It's order 4471, paid by card."],
        [
            "Sorry about that! Let me check the payment.",
            "I've refunded the duplicate charge, 3-5 days to appear.",
        ],
    ),
    (
        "delivery",
        ["Where is my parcel? Tracking hasn't moved in days.", "Thanks, I'll wait then."],
        ["Let me look at the carrier's status.", "It's at the local depot and will arrive tomorrow."],
    ),
    (
        "returns",
        ["How do I return a pair of shoes that don't fit?", "Great, label printed."],
        ["You can start a return from your orders page.", "I've emailed you a prepaid label too."],
    ),
    (
        "account",
        ["I can't log in, the reset email never arrives.", "Got it now, thanks!"],
        ["I can resend it from here.", "Sent again; please check the spam folder as well."],
    ),
    (
        "sales",
        ["Do you offer volume discounts for 50 licences?", "Perfect, please send a quote."],
        ["Yes, from 25 seats there is a 15% discount.", "Quote sent to your e-mail."],
    ),
    (
        "technical",
        ["The app crashes when I upload a photo.", "Updating fixed it."],
        ["Which version are you on?", "Version 5.2 fixes that crash, could you update?"],
    ),
]
TAGS = {
    "billing": ["billing", "refund"],
    "delivery": ["shipping"],
    "returns": ["returns"],
    "account": ["login"],
    "sales": ["sales", "lead"],
    "technical": ["bug"],
}
CUSTOMERS = 224


def _setting(conn: Connection) -> Callable[[str], Any]:
    values = settings_store.all_values(conn)
    values["Livechat_request_comment_when_closing_conversation"] = True
    return values.get


def _staff(conn: Connection) -> list[dict[str, Any]]:
    agents = []
    for username, name in [*AGENTS, MANAGER]:
        roles = ["user", "livechat-agent"] + (["livechat-manager"] if (username, name) == MANAGER else [])
        user = users.create_user(
            conn,
            username=username,
            name=name,
            password=AGENT_PASSWORD,
            email=f"{username}@example.com",
            roles=roles,
            extra={"statusLivechat": "available", "status": "online"},
        )
        agents.append(user)
    return agents


def _reference_data(conn: Connection) -> None:
    for dep_id, name in DEPARTMENTS:
        livechat_store.departments.insert(conn, {"_id": dep_id, "name": name, "enabled": True})
    livechat.save_custom_field(
        conn,
        None,
        {
            "field": "customerTier",
            "label": "Customer tier",
            "scope": "visitor",
            "visibility": "visible",
            "regexp": "^(bronze|silver|gold)$",
        },
    )
    livechat.save_custom_field(
        conn,
        None,
        {"field": "orderNumber", "label": "Order number", "scope": "room", "visibility": "visible"},
    )


def _conversation(
    conn: Connection, rng: random.Random, token: str, source: dict[str, Any], start: datetime, close: bool
) -> tuple[str, int]:
    setting = _setting(conn)
    topic, visitor_lines, agent_lines = rng.choice(TOPICS)
    with clock_at(start):
        visitor = livechat.visitor_by_token(conn, token)
        room, _ = livechat.open_or_create_room(conn, visitor, source, agent_id=None, setting=setting)
    rid = room["_id"]
    agent = users_store.get(conn, (room.get("servedBy") or {}).get("_id", ""))
    moment = start
    sent = 0
    for visitor_line, agent_line in zip(visitor_lines, agent_lines, strict=True):
        moment += timedelta(minutes=rng.randint(1, 6))
        with clock_at(moment):
            livechat.send_visitor_message(conn, token, rid, visitor_line, message_id=None, setting=setting)
        sent += 1
        if agent is not None:
            moment += timedelta(minutes=rng.randint(1, 4))
            with clock_at(moment):
                livechat.send_agent_message(
                    conn, agent, rid, agent_line, message_id=None, may_close_others=lambda: True
                )
            sent += 1
    if close:
        closer = agent or users_store.get_by_username(conn, MANAGER[0])
        assert closer is not None
        with clock_at(moment + timedelta(minutes=rng.randint(2, 30))):
            livechat.close_by_user(
                conn,
                closer,
                rid,
                comment=f"Resolved: {topic}",
                tags=TAGS[topic],
                setting=setting,
                may_close_others=lambda: True,
            )
    return topic, sent


def _customer(conn: Connection, rng: random.Random, n: int, now: datetime) -> tuple[int, int, int]:
    """One customer and their conversations; returns (conversations, still open, messages)."""
    name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    token = f"demo-visitor-{n:04d}"
    email = f"{name.lower().replace(' ', '.')}.{n}@example.org"
    phone = f"+1 555 {1000 + n:04d}"
    # a long tail: most customers talk to us once or twice, a few very often
    count = 40 if n == 0 else rng.choice([1, 1, 1, 1, 2, 2, 2, 3, 3, 4, 5, 8, 12])
    home = rng.sample(SOURCES, k=rng.choice([1, 1, 2]))
    starts = sorted(now - timedelta(minutes=rng.randint(60, 180 * 24 * 60)) for _ in range(count))
    with clock_at(starts[0] - timedelta(minutes=5)):
        if n % 10 == 3:  # pre-registered by an agent before the customer ever wrote
            contacts.create_contact(conn, {"name": name, "emails": [email], "phones": [phone]})
        data: dict[str, Any] = {"token": token, "name": name, "email": email, "phone": phone}
        if n % 4 == 0:
            tier = rng.choice(["bronze", "silver", "gold"])
            data["customFields"] = [{"key": "customerTier", "value": tier, "overwrite": True}]
        livechat.register_visitor(conn, data, setting=_setting(conn), client=livechat.ClientInfo())
    still_open = messages = 0
    for i, start in enumerate(starts):
        keep_open = i == count - 1 and n % 9 == 5
        _, sent = _conversation(conn, rng, token, rng.choice(home), start, close=not keep_open)
        still_open += keep_open
        messages += sent
    return count, still_open, messages


def load(engine: Engine, customers: int = CUSTOMERS, seed: int = 2026) -> str:
    """Load the demo contact center once; returns a one-line summary."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    totals = [0, 0, 0]
    with engine.connect() as conn:
        conn.execution_options(**WRITE)
        with conn.begin():
            if users_store.get_by_username(conn, AGENTS[0][0]) is not None:
                return "demo data already loaded"
            _staff(conn)
            _reference_data(conn)
        for batch in range(0, customers, 16):  # one transaction per batch: fewer fsyncs
            with conn.begin():
                for n in range(batch, min(batch + 16, customers)):
                    for k, value in enumerate(_customer(conn, rng, n, now)):
                        totals[k] += value
    conversations, still_open, messages = totals
    return (
        f"demo data loaded: {len(AGENTS)} agents + 1 manager (password {AGENT_PASSWORD}), "
        f"{customers} customers, {conversations} conversations ({still_open} still open), {messages} messages"
    )
