"""Read one gang back whole: members with roles, cases, regions, and its place in the chain."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, aliased

from jingwang.store.errors import NotFound
from jingwang.store.models import Case, Gang, GangLink, GangMember, Indicator


@dataclass
class GangView:
    key: str
    name: str | None
    score: float
    category: str | None
    role: str | None
    summary: dict[str, Any]
    indicators: list[tuple[str, str, str | None]] = field(default_factory=list)
    cases: list[tuple[str, str | None, str | None, str | None]] = field(default_factory=list)
    upstream: list[tuple[str, str | None, float, int]] = field(default_factory=list)
    downstream: list[tuple[str, str | None, float, int]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key, "name": self.name, "score": self.score, "category": self.category,
            "role": self.role, "summary": self.summary,
            "indicators": [{"kind": k, "value": v, "role": r} for k, v, r in self.indicators],
            "cases": [{"case_no": n, "category": c, "region_code": g, "role": r}
                      for n, c, g, r in self.cases],
            "upstream": [{"gang": k, "role": r, "weight": w, "ties": t}
                         for k, r, w, t in self.upstream],
            "downstream": [{"gang": k, "role": r, "weight": w, "ties": t}
                           for k, r, w, t in self.downstream],
        }


def gang_view(session: Session, key: str) -> GangView:
    """The gang with this key (or its numeric id), whole; NotFound when there is none."""
    where = (or_(Gang.key == key, Gang.id == int(key)) if key.isdigit() and len(key) < 10
             else Gang.key == key)
    gang = session.scalars(select(Gang).where(where)).one_or_none()
    if gang is None:
        raise NotFound(f"no gang {key!r} (run `jingwang link` first?)")
    view = GangView(key=gang.key, name=gang.name, score=gang.score, category=gang.category,
                    role=gang.role, summary=gang.summary or {})
    view.indicators = [tuple(r) for r in session.execute(
        select(Indicator.kind, Indicator.value, GangMember.role)
        .join(GangMember, GangMember.indicator_id == Indicator.id)
        .where(GangMember.gang_id == gang.id).order_by(Indicator.kind, Indicator.value))]
    view.cases = [tuple(r) for r in session.execute(
        select(Case.case_no, Case.category, Case.region_code, GangMember.role)
        .join(GangMember, GangMember.case_id == Case.id)
        .where(GangMember.gang_id == gang.id).order_by(Case.case_no))]
    other = aliased(Gang)
    view.upstream = [tuple(r) for r in session.execute(
        select(other.key, other.role, GangLink.weight, GangLink.ties)
        .join(GangLink, GangLink.upstream_gang_id == other.id)
        .where(GangLink.downstream_gang_id == gang.id).order_by(GangLink.weight.desc()))]
    view.downstream = [tuple(r) for r in session.execute(
        select(other.key, other.role, GangLink.weight, GangLink.ties)
        .join(GangLink, GangLink.downstream_gang_id == other.id)
        .where(GangLink.upstream_gang_id == gang.id).order_by(GangLink.weight.desc()))]
    return view


def gang_dot(view: GangView) -> str:
    """The gang as a Graphviz graph: the gang, its indicators and cases, its chain links."""
    def q(s: str) -> str:
        return '"' + s.replace('"', "'") + '"'  # values never hold quotes; a name might

    nl = "\\n"  # a line break inside a Graphviz label
    lines = [f"graph {q(view.key)} {{", f"  {q(view.key)} [shape=box, label="
             f"{q((view.name or view.key) + nl + (view.role or ''))}];"]
    for kind, value, role in view.indicators:
        node = f"{kind}:{value}"
        lines.append(f"  {q(node)} [label={q(node + nl + (role or ''))}];")
        lines.append(f"  {q(view.key)} -- {q(node)};")
    for case_no, category, region, _ in view.cases:
        lines.append(f"  {q('case:' + case_no)} [shape=note, label="
                     f"{q(case_no + nl + (category or '') + ' ' + (region or ''))}];")
        lines.append(f"  {q(view.key)} -- {q('case:' + case_no)};")
    for key, role, weight, _ in view.upstream:
        lines.append(f"  {q(key)} [shape=box, label={q(key + nl + (role or ''))}];")
        lines.append(f"  {q(key)} -- {q(view.key)} [label={q(f'upstream {weight:.1f}')}];")
    for key, role, weight, _ in view.downstream:
        lines.append(f"  {q(key)} [shape=box, label={q(key + nl + (role or ''))}];")
        lines.append(f"  {q(view.key)} -- {q(key)} [label={q(f'downstream {weight:.1f}')}];")
    lines.append("}")
    return "\n".join(lines) + "\n"
