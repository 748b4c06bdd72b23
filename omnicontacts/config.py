"""Typed process configuration, read once from the environment (spec README §11)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

DEFAULT_DATABASE_URL = "sqlite:///data/omnicontacts.sqlite3"


@dataclass(frozen=True)
class Config:
    database_url: str = DEFAULT_DATABASE_URL
    test_mode: bool = False
    port: int = 3000
    admin_username: str | None = None
    admin_pass: str | None = None
    admin_email: str | None = None
    admin_email_verified: bool = False
    admin_name: str = "Administrator"
    site_url: str = "http://localhost:3000"
    overwrite_settings: Mapping[str, str] = field(default_factory=dict)  # OVERWRITE_SETTING_<id>
    initial_settings: Mapping[str, str] = field(default_factory=dict)  # bare <id>=value
    pool_size: int = 8

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Config:
        env = os.environ if env is None else env
        from omnicontacts.settings_store.catalogue import SETTINGS

        port_text = env.get("PORT", "3000")
        return cls(
            database_url=env.get("OMNICONTACTS_DATABASE_URL") or DEFAULT_DATABASE_URL,
            test_mode=env.get("TEST_MODE", "").lower() == "true",
            port=int(port_text) if port_text.isdigit() else 3000,
            admin_username=env.get("ADMIN_USERNAME"),
            admin_pass=env.get("ADMIN_PASS"),
            admin_email=env.get("ADMIN_EMAIL"),
            admin_email_verified=env.get("ADMIN_EMAIL_VERIFIED", "") == "true",
            admin_name=env.get("ADMIN_NAME") or "Administrator",
            site_url=env.get("ROOT_URL") or f"http://localhost:{port_text}",
            overwrite_settings={
                key[len("OVERWRITE_SETTING_") :]: value
                for key, value in env.items()
                if key.startswith("OVERWRITE_SETTING_")
            },
            initial_settings={key: env[key] for key in SETTINGS if key in env},
            pool_size=int(env.get("OMNICONTACTS_POOL_SIZE", "8") or 8),
        )
