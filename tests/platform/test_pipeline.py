"""The shared request mechanism: body parsing, the envelope, and failures that never leak."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import Engine
from starlette.datastructures import Headers

from omnicontacts.api.endpoint import Call, Endpoint
from omnicontacts.api.pipeline import Incoming, Pipeline
from omnicontacts.config import Config
from tests.support import Api


def _incoming(data: object) -> Incoming:
    return Incoming(method="GET", path_params={}, headers=Headers({}), cookies={}, client_ip="127.0.0.1",
                    input=data)  # fmt: skip


def test_unexpected_exception_is_a_500_envelope_without_internals(
    engine: Engine, config: Config, caplog: pytest.LogCaptureFixture
) -> None:
    def explode(call: Call) -> dict[str, object]:
        raise RuntimeError("secret path /etc/passwd and SELECT * FROM users")

    endpoint = Endpoint("GET", "boom", explode, auth=False)
    with caplog.at_level(logging.ERROR, logger="omnicontacts.api"):
        response = Pipeline(engine, config).run(endpoint, _incoming({}))
    assert response.status_code == 500
    assert bytes(response.body) == b'{"success":false,"error":"Internal server error"}'
    assert response.headers["content-type"] == "application/json"
    assert "secret path" in caplog.text  # logged server-side, with the traceback
    assert "Traceback" in caplog.text


def test_a_failing_handler_rolls_back_its_writes(engine: Engine, config: Config) -> None:
    from omnicontacts.settings_store import store

    def write_then_fail(call: Call) -> dict[str, object]:
        store.set_value(call.conn, "API_Default_Count", 3)
        raise RuntimeError("boom")

    Pipeline(engine, config).run(Endpoint("POST", "w", write_then_fail, auth=False), _incoming({}))
    with engine.connect() as conn:
        assert store.get_value(conn, "API_Default_Count") == 50


def test_missing_or_invalid_json_body_is_treated_as_empty_object(api: Api) -> None:
    for content in (b"", b"{not json", b"   "):
        res = api.post("users.create", content=content, headers={"Content-Type": "application/json"})
        assert res.json()["error"] == "must have required property 'email' [invalid-params]"


def test_form_urlencoded_bodies_are_read_as_strings(api: Api) -> None:
    res = api.post(
        "users.create",
        content="email=form%40example.com&name=Form+User&password=pw-1234&username=form.user&active=true",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert res.status_code == 200, res.text
    assert res.json()["user"]["emails"][0]["address"] == "form@example.com"
    assert res.json()["user"]["active"] is True


def test_success_key_is_always_last(api: Api) -> None:
    assert list(api.get("settings/API_Default_Count").json()) == ["_id", "value", "success"]
