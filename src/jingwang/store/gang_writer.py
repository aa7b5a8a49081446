"""Write the gangs linking found, replacing the previous run's: bulk statements, stable ids.

A gang whose key linking finds again keeps its row (and id); its members and links are replaced;
gangs not found again are removed.  One call is one batch inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, insert, select, tuple_
from sqlalchemy.orm import Session

from jingwang.store.models import Case, Gang, GangLink, GangMember, Indicator
from jingwang.store.timeutil import utcnow

_CHUNK = 500


@dataclass
class GangOut:
    """One gang as linking hands it over."""

    key: str
    score: float
    name: str | None = None
    category: str | None = None
    role: str | None = None
    summary: dict[str, Any] = field(default_factory=dict)
    indicators: list[tuple[str, str, str | None]] = field(default_factory=list)  # kind, value, role
    cases: list[tuple[str, str | None]] = field(default_factory=list)            # case_no, role


def _ids(session: Session, pairs: Sequence[tuple[str, str]]) -> dict[tuple[str, str], int]:
    out: dict[tuple[str, str], int] = {}
    for i in range(0, len(pairs), _CHUNK):
        chunk = pairs[i:i + _CHUNK]
        rows = session.execute(select(Indicator.kind, Indicator.value, Indicator.id).where(
            tuple_(Indicator.kind, Indicator.value).in_(chunk)))
        out.update({(k, v): i_ for k, v, i_ in rows})
    return out


def _case_ids(session: Session, numbers: Sequence[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for i in range(0, len(numbers), _CHUNK):
        rows = session.execute(select(Case.case_no, Case.id).where(
            Case.case_no.in_(numbers[i:i + _CHUNK])))
        out.update({n: i_ for n, i_ in rows})
    return out


def replace_gangs(session: Session, gangs: Iterable[GangOut],
                  links: Iterable[tuple[str, str, float, int]]) -> dict[str, int]:
    """Store this run's gangs and upstream→downstream links; returns counts."""
    gangs = list(gangs)
    keys = [g.key for g in gangs]
    existing = {k: i for k, i in session.execute(select(Gang.key, Gang.id))}
    removed = [gid for key, gid in existing.items() if key not in set(keys)]
    if removed:
        session.execute(delete(Gang).where(Gang.id.in_(removed)))
    session.execute(delete(GangLink))
    now = utcnow()
    new_rows = [{"key": g.key, "name": g.name, "score": g.score, "category": g.category,
                 "role": g.role, "summary": g.summary, "created_at": now, "updated_at": now}
                for g in gangs if g.key not in existing]
    if new_rows:
        session.execute(insert(Gang), new_rows)
    kept = [g for g in gangs if g.key in existing]
    for g in kept:
        session.execute(Gang.__table__.update().where(Gang.id == existing[g.key]).values(
            name=g.name, score=g.score, category=g.category, role=g.role, summary=g.summary,
            updated_at=now))
    ids = {k: i for k, i in session.execute(select(Gang.key, Gang.id))}
    if keys:
        session.execute(delete(GangMember).where(GangMember.gang_id.in_([ids[k] for k in keys])))
    pairs = sorted({(k, v) for g in gangs for k, v, _ in g.indicators})
    indicator_ids = _ids(session, pairs)
    case_ids = _case_ids(session, sorted({c for g in gangs for c, _ in g.cases}))
    members = [{"gang_id": ids[g.key], "indicator_id": indicator_ids[(k, v)], "case_id": None,
                "role": role}
               for g in gangs for k, v, role in g.indicators if (k, v) in indicator_ids]
    members += [{"gang_id": ids[g.key], "indicator_id": None, "case_id": case_ids[c],
                 "role": role}
                for g in gangs for c, role in g.cases if c in case_ids]
    if members:
        session.execute(insert(GangMember), members)
    link_rows = [{"upstream_gang_id": ids[a], "downstream_gang_id": ids[b], "weight": w,
                  "ties": n} for a, b, w, n in links if a in ids and b in ids and a != b]
    if link_rows:
        session.execute(insert(GangLink), link_rows)
    session.flush()
    return {"gangs": len(gangs), "new": len(new_rows), "kept": len(kept),
            "removed": len(removed), "members": len(members), "links": len(link_rows)}
