"""Paging invariants of contacts.history (hypothesis): for random rooms, sorts and page sizes,
the concatenation of all pages is the full sorted list, `total` is its length, and the counters
behind `total` always equal a row count."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from omnicontacts.history import store as history_store
from omnicontacts.history.store import HistoryQuery
from omnicontacts.livechat import store as livechat_store
from tests.history.builders import add_contact, add_rooms, room
from tests.support import Api

PROPERTY_SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

room_specs = st.lists(
    st.fixed_dictionaries(
        {
            "closed": st.sampled_from(
                [None, "2024-01-01T00:00:00.000Z", "2024-01-02T00:00:00.000Z", "2024-01-03T00:00:00.000Z"]
            ),
            "ts": st.sampled_from(["2023-12-01T00:00:00.000Z", "2023-12-02T00:00:00.000Z"]),
            "agent": st.sampled_from([None, "amy", "Bob", "zed"]),
            "source": st.sampled_from(
                [{"type": "api"}, {"type": "widget"}, {"type": "app", "alias": "WhatsApp"}]
            ),
        }
    ),
    max_size=14,
)
SORTS = [None, '{"ts":1}', '{"servedBy.username":-1}', '{"servedBy.username":1,"ts":-1}']


def _key(value: Any) -> tuple[int, Any]:
    return (0, "") if value is None else (2, value)


def expected_order(rooms: list[dict[str, Any]], sort: str | None) -> list[str]:
    closed = [r for r in rooms if r.get("closedAt")]
    ordered = sorted(closed, key=lambda r: r["_id"])
    keys = [("closedAt", -1)] if sort is None else list(__import__("json").loads(sort).items())
    for path, direction in reversed(keys):  # stable sorts, least significant key first

        def value(r: dict[str, Any], path: str = path) -> tuple[int, Any]:
            target: Any = r
            for part in path.split("."):
                target = target.get(part) if isinstance(target, dict) else None
            return _key(target)

        ordered.sort(key=value, reverse=direction < 0)
    return [r["_id"] for r in ordered]


@PROPERTY_SETTINGS
@given(specs=room_specs, page_size=st.integers(min_value=1, max_value=6), sort=st.sampled_from(SORTS))
def test_all_pages_concatenated_equal_the_full_sorted_list(
    api: Api, specs: list[dict[str, Any]], page_size: int, sort: str | None
) -> None:
    contact = add_contact(api.engine)
    rooms = []
    for spec in specs:
        extra: dict[str, Any] = {"ts": spec["ts"], "source": spec["source"]}
        if spec["agent"]:
            extra["servedBy"] = {"_id": spec["agent"], "username": spec["agent"], "ts": spec["ts"]}
        rooms.append(room(contact, spec["closed"], **extra))
    add_rooms(api.engine, rooms)
    seen: list[str] = []
    offset = 0
    while True:
        params = {"contactId": contact, "count": str(page_size), "offset": str(offset)}
        if sort:
            params["sort"] = sort
        body = api.get("omnichannel/contacts.history", params).json()
        assert body["total"] == len([r for r in rooms if r.get("closedAt")])
        assert body["count"] == len(body["history"])
        seen += [row["_id"] for row in body["history"]]
        if not body["history"]:
            break
        offset += page_size
    assert seen == expected_order(rooms, sort)


@PROPERTY_SETTINGS
@given(
    specs=room_specs,
    actions=st.lists(
        st.tuples(st.sampled_from(["close", "move", "delete", "reopen"]), st.integers(0, 20)), max_size=8
    ),
    term=st.sampled_from(["", "a", "api", "whats", "x"]),
)
def test_counters_behind_total_always_equal_a_row_count(
    api: Api, specs: list[dict[str, Any]], actions: list[tuple[str, int]], term: str
) -> None:
    first, second = add_contact(api.engine), add_contact(api.engine)
    rooms = [room(first, s["closed"], source=s["source"]) for s in specs]
    add_rooms(api.engine, rooms)
    with api.engine.begin() as conn:
        for action, index in actions:
            if not rooms:
                break
            target = livechat_store.room(conn, rooms[index % len(rooms)]["_id"])
            if target is None:
                continue
            if action == "close":
                target["closedAt"] = "2024-02-01T00:00:00.000Z"
                target.pop("open", None)
            elif action == "reopen":
                target.pop("closedAt", None)
                target["open"] = True
            elif action == "move":
                target["contactId"] = second if target["contactId"] == first else first
            else:
                livechat_store.delete_rooms(conn, [target["_id"]])
                continue
            livechat_store.replace_room(conn, target)
    with api.engine.connect() as conn:
        for contact in (first, second):
            query = HistoryQuery(contact, term)
            assert history_store.total(conn, query) == history_store.count_by_scan(conn, query)
