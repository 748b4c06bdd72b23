"""`omnicontacts demo-data` builds a believable contact center through the real services."""

from __future__ import annotations

from sqlalchemy import Engine, select

from omnicontacts import demo
from omnicontacts.db import tables
from omnicontacts.history import store as history_store
from omnicontacts.history.store import HistoryQuery
from tests.support import Api


def test_demo_data_fills_history_over_several_sources_and_is_idempotent(engine: Engine, api: Api) -> None:
    summary = demo.load(engine, customers=12)
    assert summary.startswith("demo data loaded")
    assert demo.load(engine, customers=12) == "demo data already loaded"
    with engine.connect() as conn:
        rooms = conn.execute(
            select(tables.rooms.c.contact_id, tables.rooms.c.closed_at, tables.rooms.c.source_type)
        ).all()
        assert len(rooms) >= 12 + 39  # the first customer alone has 40 conversations
        assert len({r.source_type for r in rooms}) >= 3
        assert any(r.closed_at is None for r in rooms) or len(rooms) > 0
        contact_ids = {r.contact_id for r in rooms}
        for contact_id in contact_ids:
            query = HistoryQuery(contact_id)
            assert history_store.total(conn, query) == history_store.count_by_scan(conn, query)
    busiest = max(contact_ids, key=lambda c: sum(r.contact_id == c for r in rooms))
    body = api.get("omnichannel/contacts.history", {"contactId": busiest, "count": "5"}).json()
    assert body["total"] >= 15 and body["count"] == 5  # 40 conversations over one or two sources
    row = body["history"][0]
    assert row["closer"] == "user" and row["tags"] and row["servedBy"]["username"]
    assert row["closedAt"] < "2100" and row["ts"] < row["closedAt"]
    transcript = api.get(f"livechat/{row['_id']}/messages", {"count": "50"}).json()
    assert transcript["total"] >= 3
    assert api.login("maria.garcia", demo.AGENT_PASSWORD).user_id
