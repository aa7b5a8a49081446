"""Issuing and revoking API tokens (used by the API and by `jingwang users token`)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwang.api.security import new_token, token_digest
from jingwang.store.errors import NotFound
from jingwang.store.models import ApiToken, User


def issue_token(session: Session, username: str, name: str) -> str:
    """A new token for ``username``; returns the token itself (shown once, never stored)."""
    user = session.scalars(select(User).where(User.username == username)).one_or_none()
    if user is None:
        raise NotFound(f"no user {username!r}")
    token = new_token()
    session.add(ApiToken(user_id=user.id, name=name, digest=token_digest(token)))
    session.flush()
    return token


def revoke_tokens(session: Session, username: str) -> int:
    """Revoke every token of ``username``; how many were live."""
    rows = session.scalars(select(ApiToken).join(User, User.id == ApiToken.user_id)
                           .where(User.username == username, ApiToken.revoked.is_(False))).all()
    for row in rows:
        row.revoked = True
    return len(rows)
