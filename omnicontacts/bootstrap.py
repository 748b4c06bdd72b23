"""Start-up: migrate, seed, apply forced settings, ensure admins (spec README §11). Run once by
`omnicontacts serve` before the workers start, by `omnicontacts migrate`, and by tests."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import Engine

from omnicontacts.auth import service as auth
from omnicontacts.config import Config
from omnicontacts.db import migrate
from omnicontacts.db.documents import Document
from omnicontacts.db.engine import WRITE
from omnicontacts.permissions import service as permissions
from omnicontacts.settings_store import store as settings_store
from omnicontacts.settings_store.catalogue import SETTINGS, parse_env_value

log = logging.getLogger(__name__)


def prepare(engine: Engine, config: Config) -> Document | None:
    """Returns the admin created from ADMIN_PASS, if one was created now."""
    migrate.upgrade(engine)
    with engine.connect() as conn:
        conn.execution_options(**WRITE)
        with conn.begin():
            permissions.seed(conn)
            initial: dict[str, Any] = {
                key: parse_env_value(SETTINGS[key], value) for key, value in config.initial_settings.items()
            }
            settings_store.seed_defaults(conn, initial)
            for key, value in config.overwrite_settings.items():
                definition = SETTINGS.get(key)
                if definition is None:
                    log.warning("OVERWRITE_SETTING_%s: unknown setting, ignored", key)
                    continue
                settings_store.set_value(conn, key, parse_env_value(definition, value))
            admin = auth.ensure_initial_admin(conn, config)
            if config.test_mode:
                auth.ensure_test_admin(conn)
    return admin
