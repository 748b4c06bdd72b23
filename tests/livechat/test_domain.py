"""Pure routing and closing decisions (livechat.md §4.1, §7, §8.1), exhaustively where it helps."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from omnicontacts.livechat import domain

ROLES = st.lists(st.sampled_from(["user", "livechat-agent", "bot", "admin"]), unique=True)
USER = st.fixed_dictionaries(
    {
        "_id": st.text(min_size=1, max_size=5),
        "username": st.text(max_size=5),
        "roles": ROLES,
        "active": st.booleans(),
        "statusLivechat": st.sampled_from(["available", "not-available", None]),
        "status": st.sampled_from(["online", "away", "busy", "offline", None]),
        "livechatCount": st.integers(min_value=0, max_value=5),
    },
    optional={"statusConnection": st.sampled_from(["online", "away"])},
)


def agent(**over: Any) -> dict[str, Any]:
    base = {
        "_id": "a",
        "username": "a",
        "roles": ["user", "livechat-agent"],
        "active": True,
        "statusLivechat": "available",
        "status": "online",
    }
    return {**base, **over}


class TestOnlineAvailable:
    def test_every_condition_of_7_1(self) -> None:
        assert domain.is_online_available(agent(), idle_counts=True)
        assert not domain.is_online_available(agent(roles=["user"]), idle_counts=True)
        assert not domain.is_online_available(agent(active=False), idle_counts=True)
        assert not domain.is_online_available(agent(statusLivechat="not-available"), idle_counts=True)
        assert not domain.is_online_available(agent(status="offline"), idle_counts=True)
        assert not domain.is_online_available(agent(status=None), idle_counts=True)
        assert domain.is_online_available(agent(status="away"), idle_counts=True)

    def test_bots_need_no_presence(self) -> None:
        assert domain.is_online_available(
            agent(roles=["bot", "livechat-agent"], status="offline"), idle_counts=True
        )

    def test_idle_agents_excluded_only_when_the_setting_says_so(self) -> None:
        away = agent(statusConnection="away")
        assert domain.is_online_available(away, idle_counts=True)
        assert not domain.is_online_available(away, idle_counts=False)

    def test_take_relaxation_skips_only_presence(self) -> None:
        offline = agent(status="offline")
        assert domain.is_online_available(offline, idle_counts=True, need_presence=False)
        assert not domain.is_online_available(
            agent(status="offline", statusLivechat="not-available"), idle_counts=True, need_presence=False
        )


class TestNextAgent:
    def test_fewest_conversations_then_username(self) -> None:
        users = [
            agent(_id="1", username="carol", livechatCount=1),
            agent(_id="2", username="bob", livechatCount=0),
            agent(_id="3", username="alice", livechatCount=0),
            agent(_id="4", username="aaron", livechatCount=0, status="offline"),
        ]
        chosen = domain.next_agent(users, idle_counts=True)
        assert chosen is not None and chosen["_id"] == "3"

    @settings(deadline=None)  # pure and fast; no timing flakes on a loaded machine
    @given(st.lists(USER, max_size=6), st.booleans())
    def test_the_choice_is_an_available_agent_with_minimal_load(
        self, users: list[dict[str, Any]], idle_counts: bool
    ) -> None:
        chosen = domain.next_agent(users, idle_counts=idle_counts)
        available = [u for u in users if domain.is_online_available(u, idle_counts=idle_counts)]
        if not available:
            assert chosen is None
            return
        assert chosen is not None and chosen in available
        key = (chosen["livechatCount"], chosen["username"])
        assert all(key <= (u["livechatCount"], u["username"]) for u in available)


class TestInitialStatus:
    @settings(deadline=None)  # pure and fast; no timing flakes on a loaded machine
    @given(st.sampled_from(["Auto_Selection", "External", "Manual_Selection"]), st.none() | USER)
    def test_table_of_7_2(self, method: str, requested: dict[str, Any] | None) -> None:
        status = domain.initial_inquiry_status(method, requested)
        if method == "Manual_Selection" and not (requested and "bot" in requested["roles"]):
            assert status == "queued"
        else:
            assert status == "ready"


class TestChooseAgent:
    def test_requested_agent_first_and_not_counted(self) -> None:
        requested = agent(_id="r", username="zed", livechatCount=9)
        others = [agent(_id="o", username="amy", livechatCount=0)]
        result = domain.choose_agent(requested, others, routing_method="Auto_Selection", idle_counts=True)
        assert result == domain.Assignment(requested, counted=False)

    def test_offline_requested_agent_falls_back_to_auto(self) -> None:
        requested = agent(_id="r", status="offline")
        other = agent(_id="o", username="amy")
        result = domain.choose_agent(requested, [other], routing_method="External", idle_counts=True)
        assert result == domain.Assignment(other, counted=True)

    def test_requested_bot_is_taken_even_offline(self) -> None:
        bot = agent(
            _id="b", roles=["bot", "livechat-agent"], status="offline", statusLivechat="not-available"
        )
        assert domain.choose_agent(bot, [], routing_method="Manual_Selection", idle_counts=True).agent is bot

    def test_manual_routing_never_picks_an_agent(self) -> None:
        result = domain.choose_agent(None, [agent()], routing_method="Manual_Selection", idle_counts=True)
        assert result == domain.Assignment(None)


class TestSource:
    @settings(deadline=None)  # pure and fast; no timing flakes on a loaded machine
    @given(
        st.dictionaries(
            st.sampled_from(["rc_room_type", "rc_is_widget", "other"]), st.sampled_from(["l", "t", "x"])
        )
    )
    def test_widget_only_with_both_cookies(self, cookies: dict[str, str]) -> None:
        source = domain.request_source(cookies, "example.org")
        if cookies.get("rc_room_type") == "l" and cookies.get("rc_is_widget") == "t":
            assert source == {"type": "widget", "destination": "example.org"}
        else:
            assert source == {"type": "api"}


class TestClosing:
    @settings(deadline=None)  # pure and fast; no timing flakes on a loaded machine
    @given(st.none() | st.lists(st.sampled_from("abcd")), st.none() | st.lists(st.sampled_from("abcd")))
    def test_tags_are_a_first_seen_union(
        self, requested: list[str] | None, existing: list[str] | None
    ) -> None:
        tags = domain.merged_tags(requested, existing)
        assert len(tags) == len(set(tags))
        assert set(tags) == set(requested or []) | set(existing or [])
        first_seen = list(dict.fromkeys([*(requested or []), *(existing or [])]))
        assert tags == first_seen

    def test_closed_room_fields(self) -> None:
        room = {
            "_id": "r",
            "open": True,
            "ts": "2024-01-01T00:00:00.000Z",
            "servedBy": {"_id": "a", "username": "a", "ts": "2024-01-01T00:00:30.000Z"},
            "v": {"_id": "v", "status": "online"},
            "tags": ["old"],
        }
        closed = domain.closed_room(
            room,
            now="2024-01-01T00:01:00.500Z",
            closer="user",
            closed_by={"_id": "a", "username": "a"},
            tags=["new"],
        )
        assert "open" not in closed and room["open"] is True
        assert closed["tags"] == ["new", "old"]
        assert closed["metrics"] == {"chatDuration": 60.5, "serviceTimeDuration": 30.5}
        assert closed["v"]["status"] == "offline"
        assert (closed["closer"], closed["closedBy"], closed["closedAt"]) == (
            "user",
            {"_id": "a", "username": "a"},
            "2024-01-01T00:01:00.500Z",
        )

    def test_unserved_room_has_no_service_time_and_no_empty_tags(self) -> None:
        closed = domain.closed_room(
            {"_id": "r", "open": True, "ts": "2024-01-01T00:00:00.000Z", "v": {}},
            now="2024-01-01T00:00:01.000Z",
            closer="visitor",
            closed_by={"_id": "v", "username": "guest-2"},
            tags=None,
        )
        assert closed["metrics"] == {"chatDuration": 1.0}
        assert "tags" not in closed


class TestCustomValues:
    @settings(deadline=None)  # pure and fast; no timing flakes on a loaded machine
    @given(
        st.dictionaries(st.sampled_from("ab"), st.sampled_from(["", "x", "y"])), st.booleans(), st.booleans()
    )
    def test_overwrite_or_only_when_absent(self, data: dict[str, str], overwrite: bool, truthy: bool) -> None:
        before = dict(data)
        domain.set_custom_value(data, "a", "new", overwrite, unless_truthy=truthy)
        present = bool(before.get("a")) if truthy else "a" in before
        assert data["a"] == ("new" if overwrite or not present else before["a"])
        assert data.get("b") == before.get("b")

    def test_missing_required_ignores_hidden_and_room_scope(self) -> None:
        definitions = [
            {"_id": "a", "scope": "visitor", "required": True, "visibility": "visible"},
            {"_id": "b", "scope": "visitor", "required": True, "visibility": "hidden"},
            {"_id": "c", "scope": "room", "required": True, "visibility": "visible"},
            {"_id": "d", "scope": "visitor", "required": True, "visibility": "visible"},
            {"_id": "e", "scope": "visitor", "required": False, "visibility": "visible"},
        ]
        assert domain.missing_required(definitions, ["d"]) == ["a"]
        assert domain.missing_required(definitions, []) == ["a", "d"]
