"""Transcript search matches case-insensitively beyond ASCII on both engines (SQLite's own
lower() only folds ASCII, so the searchable text is lower-cased when stored)."""

from __future__ import annotations

from tests.livechat.helpers import accept_without_agents, open_room, register, visitor_message
from tests.support import Api


def test_transcript_search_folds_non_ascii_letters(api: Api) -> None:
    accept_without_agents(api)
    register(api, "umlaut-token", name="Jürgen")
    room = open_room(api, "umlaut-token")
    visitor_message(api, "umlaut-token", room["_id"], "ÄRGER mit der Rechnung")
    visitor_message(api, "umlaut-token", room["_id"], "Straße unbekannt")
    for term, expected in (
        ("ärger", ["ÄRGER mit der Rechnung"]),
        ("STRASSE", []),
        ("straße", ["Straße unbekannt"]),
    ):
        body = api.get(f"livechat/{room['_id']}/messages", {"searchTerm": term}).json()
        assert [m["msg"] for m in body["messages"]] == expected, term
