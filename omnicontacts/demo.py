"""`omnicontacts demo-data`: a small, believable contact center."""

from __future__ import annotations

from sqlalchemy import Engine

from omnicontacts.db.engine import WRITE
from omnicontacts.errors import ApiError
from omnicontacts.users import service as users
from omnicontacts.users import store as users_store

AGENTS = [
    ("maria.garcia", "Maria Garcia"),
    ("james.okafor", "James Okafor"),
    ("li.wei", "Li Wei"),
]


def load(engine: Engine) -> str:
    with engine.connect() as conn:
        conn.execution_options(**WRITE)
        with conn.begin():
            if users_store.get_by_username(conn, AGENTS[0][0]) is not None:
                return "demo data already loaded"
            for username, name in AGENTS:
                try:
                    users.create_user(
                        conn,
                        username=username,
                        name=name,
                        password="demo-agent-pass",
                        email=f"{username}@example.com",
                        roles=["user", "livechat-agent"],
                        extra={"statusLivechat": "available"},
                    )
                except ApiError:
                    continue
    return f"demo data loaded: {len(AGENTS)} agents (password demo-agent-pass)"
