"""Passwords and API tokens.

Passwords are hashed with Argon2id (argon2-cffi, the OWASP first choice); the plain password is
never stored.  Machine tokens are random (`jw_` + 32 bytes, URL-safe) and only their SHA-256 is
stored: a token is high-entropy, so a fast hash is enough and a lookup by hash stays one index
probe, where Argon2 would need a scan.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

TOKEN_PREFIX = "jw_"
_hasher = PasswordHasher()
# A hash to verify against when the user does not exist, so a wrong username takes as long as
# a wrong password and the timing tells nobody which usernames exist.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    if len(password) < 8:
        raise ValueError("a password needs at least 8 characters")
    return _hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """True when ``password`` matches; a missing hash is checked against a dummy (same time)."""
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
