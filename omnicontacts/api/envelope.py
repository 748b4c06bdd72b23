"""The wire format: success and failure bodies and the headers every JSON response carries
(spec README §4, §9). The one place that turns an `ApiError` into a response."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson
from starlette.responses import Response

from omnicontacts.errors import ApiError

JSON_HEADERS = {"Cache-Control": "no-store", "Pragma": "no-cache"}


class JSONReply(Response):
    media_type = "application/json"
    charset = ""  # Content-Type exactly `application/json`, no charset parameter

    def __init__(self, body: Mapping[str, Any], status: int = 200, headers: Mapping[str, str] | None = None):
        super().__init__(orjson.dumps(body), status_code=status, headers={**JSON_HEADERS, **(headers or {})})

    def init_headers(self, headers: Mapping[str, str] | None = None) -> None:
        super().init_headers(headers)
        self.raw_headers = [
            (k, b"application/json") if k == b"content-type" else (k, v) for k, v in self.raw_headers
        ]


def success(payload: Mapping[str, Any] | None = None, headers: Mapping[str, str] | None = None) -> JSONReply:
    body = dict(payload or {})
    body.pop("success", None)
    body["success"] = True  # always the last key
    return JSONReply(body, 200, headers)


def failure(error: ApiError, headers: Mapping[str, str] | None = None) -> JSONReply:
    return JSONReply(error.body(), error.status, headers)
