"""Rocket.Chat's password scheme: bcrypt over the SHA-256 hex digest of the password, so users
imported from a Rocket.Chat database log in unchanged. Login tokens are stored only as
base64(sha256(token)) (spec README §2)."""

from __future__ import annotations

import base64
import hashlib
import os
import secrets

import bcrypt

_ROUNDS = max(4, int(os.environ.get("OMNICONTACTS_BCRYPT_ROUNDS", "10")))


def _digest(password: str) -> bytes:
    return hashlib.sha256(password.encode()).hexdigest().encode()


def hash_password(password: str) -> str:
    return bcrypt.hashpw(_digest(password), bcrypt.gensalt(_ROUNDS)).decode()


def check_password(password: str, hashed: str) -> bool:
    try:
        return bcrypt.checkpw(_digest(password), hashed.encode())
    except ValueError:
        return False


def new_login_token() -> str:
    return secrets.token_urlsafe(32)  # 43 URL-safe characters


def hash_token(token: str) -> str:
    return base64.b64encode(hashlib.sha256(token.encode()).digest()).decode()
