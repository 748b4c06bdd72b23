"""A Rocket.Chat client script, unchanged, against `omnicontacts serve`: the `rocketchat_API`
package (a real, widely used Rocket.Chat client) logs in, creates a contact and an agent, a visitor
opens and closes conversations, and the contact's history is read back."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from rocketchat_API.APIExceptions.RocketExceptions import RocketApiException
from rocketchat_API.rocketchat import RocketChat

ADMIN = "rocketchat.internal.admin.test"  # present in the test template database


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def server(database_url: str, tmp_path: Path) -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "OMNICONTACTS_DATABASE_URL": database_url, "PORT": str(port)}
    env.pop("TEST_MODE", None)  # production settings: the admin bypasses the limiter by permission
    log = (tmp_path / "server.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "omnicontacts.cli", "serve", "--workers", "2"], env=env, stdout=log, stderr=log
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if requests.get(base + "/api/info", timeout=1).status_code == 200:
                    break
            except requests.ConnectionError:
                time.sleep(0.1)
        else:
            raise AssertionError((tmp_path / "server.log").read_text())
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


def test_rocketchat_api_client_script_works_unchanged(server: str) -> None:
    rocket = RocketChat(ADMIN, ADMIN, server_url=server)
    assert rocket.me()["username"] == ADMIN
    assert rocket.info()["version"] == "7.0"

    rocket.settings_update("Livechat_accept_chats_with_no_agents", True)
    agent = rocket.users_create(
        email="agent@example.com", name="Agent Smith", password="agent-pass", username="agent.smith"
    )["user"]
    rocket.livechat_create_user("agent", username="agent.smith")
    agents = list(rocket.livechat_get_users("agent"))  # the client pages with offset/count itself
    assert [u["username"] for u in agents] == ["agent.smith"]

    created = rocket.call_api_post(
        "omnichannel/contacts", name="Grace Hopper", emails=["grace@example.com"], phones=["+1 555 0100"]
    )
    contact_id = created["contactId"]
    assert (
        rocket.call_api_get("omnichannel/contacts.get", contactId=contact_id)["contact"]["name"]
        == "Grace Hopper"
    )

    # A visitor whose e-mail matches the pre-registered contact opens two conversations.
    rocket.livechat_register_visitor("grace-token", visitor={"name": "Grace", "email": "grace@example.com"})
    room_ids = []
    for text in ("My invoice is wrong", "Thanks, one more question"):
        room = rocket.livechat_room("grace-token")["room"]
        assert room["contactId"] == contact_id
        assert room["fname"] == "Grace Hopper"
        rocket.livechat_message("grace-token", room["_id"], text)
        rocket.call_api_post(
            "livechat/room.closeByUser", rid=room["_id"], comment="resolved", tags=["billing"]
        )
        room_ids.append(room["_id"])

    history = rocket.call_api_get("omnichannel/contacts.history", contactId=contact_id)
    assert history["total"] == 2 and history["count"] == 2
    assert {row["_id"] for row in history["history"]} == set(room_ids)
    assert all("token" not in row["v"] for row in history["history"])
    oldest_first = rocket.call_api_get("omnichannel/contacts.history", contactId=contact_id, sort='{"ts":1}')
    assert [row["_id"] for row in oldest_first["history"]] == room_ids
    page = rocket.call_api_get("omnichannel/contacts.history", contactId=contact_id, count=1, offset=1)
    assert (page["count"], page["offset"], page["total"]) == (1, 1, 2)

    with pytest.raises(RocketApiException) as failure:
        rocket.call_api_get("omnichannel/contacts.history", contactId="nope")
    assert failure.value.response_json == {"success": False, "error": "error-contact-not-found"}

    found = rocket.call_api_get("omnichannel/contacts.search", searchText="grace")
    assert contact_id in {c["_id"] for c in found["contacts"]}
    rocket.users_delete(agent["_id"])
    rocket.logout()
