"""Migration 0003: rooms get their department as a column (filled in from existing documents) and,
on PostgreSQL, keep their document as `json` text, which returns a room's fields in the order they
were stored, as SQLite does."""

from __future__ import annotations

import orjson
from alembic import command
from sqlalchemy import Engine

from omnicontacts.db.migrate import alembic_config
from tests.history.builders import add_contact, add_department, add_rooms, room
from tests.support import Api

PATH = "omnichannel/contacts.history"


def _migrate(engine: Engine, revision: str, *, down: bool = False) -> None:
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(cfg, revision)


def test_upgrade_fills_the_department_column_from_existing_rooms(api: Api) -> None:
    contact_id = add_contact(api.engine)
    add_department(api.engine, "dep-1", "Sales")
    _migrate(api.engine, "0002", down=True)  # rooms as they were stored before 0003
    docs = [
        room(contact_id, "2024-01-01T10:00:00.000Z", departmentId="dep-1"),
        room(contact_id, "2024-01-02T10:00:00.000Z", departmentId=""),
        room(contact_id, "2024-01-03T10:00:00.000Z", departmentId=7),
        room(contact_id, "2024-01-04T10:00:00.000Z"),
    ]
    pg = api.engine.dialect.name == "postgresql"
    columns = "id, t, contact_id, open, ts, closed_at, source_type, source_alias, doc"
    values = (
        "%(id)s, 'l', %(contact)s, false, %(ts)s, %(closed)s, 'api', '', %(doc)s::jsonb"
        if pg
        else ":id, 'l', :contact, 0, :ts, :closed, 'api', '', :doc"
    )
    with api.engine.begin() as conn:
        for doc in docs:
            conn.exec_driver_sql(
                f"INSERT INTO rooms ({columns}) VALUES ({values})",
                {
                    "id": doc["_id"],
                    "contact": contact_id,
                    "ts": doc["ts"],
                    "closed": doc["closedAt"],
                    "doc": orjson.dumps(doc).decode(),
                },
            )
    _migrate(api.engine, "head")
    with api.engine.connect() as conn:
        columns = dict(conn.exec_driver_sql("SELECT id, department_id FROM rooms").all())
    assert [columns[doc["_id"]] for doc in docs] == ["dep-1", None, None, None]
    if pg:
        with api.engine.connect() as conn:
            kind = conn.exec_driver_sql(
                "SELECT data_type FROM information_schema.columns "
                "WHERE table_name = 'rooms' AND column_name = 'doc'"
            ).scalar()
        assert kind == "json"
    history = api.get(PATH, {"contactId": contact_id, "sort": '{"closedAt": 1}'}).json()["history"]
    assert [row.get("department") for row in history] == [{"_id": "dep-1", "name": "Sales"}, None, None, None]


def test_history_rows_keep_the_stored_field_order_on_both_engines(api: Api) -> None:
    contact_id = add_contact(api.engine)
    doc = room(contact_id, "2024-01-01T10:00:00.000Z")
    # neither alphabetical nor by key length (jsonb's order)
    first = {"servedBy": {"_id": "agent-1", "username": "agent"}, "ts": doc["ts"], "fname": "Zed"}
    ordered = {**first, **{k: v for k, v in doc.items() if k not in first}}
    add_rooms(api.engine, [ordered])
    (row,) = api.get(PATH, {"contactId": contact_id}).json()["history"]
    kept = [key for key in ordered if key in row]
    assert list(row)[: len(kept)] == kept
