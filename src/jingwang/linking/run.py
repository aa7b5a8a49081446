"""`jingwang link` as a library call: read the store's sightings, link them, write the gangs.

Groups become gangs when they are seen in at least two records and hold two indicators or
recur in three records (a shop's phone in one post is not a gang).  Each gang gets a category
and chain role from its records (case categories and detector findings), the regions of its
cases, a cohesion score, and the upstream/downstream links to the gangs it is tied to.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import ibis
import pyarrow as pa
from sqlalchemy import Engine, select

from jingwang.linking.communities import DEFAULT_RESOLUTION
from jingwang.linking.exclusions import ExclusionList, default_exclusions
from jingwang.linking.link import Group, LinkResult, link_sightings
from jingwang.linking.roles import group_role, main_category, role_of_category, upstream_first
from jingwang.store.db import session_scope
from jingwang.store.gang_writer import GangOut, replace_gangs
from jingwang.store.models import Case, Finding, Indicator, Sighting

CASE_SOURCES = ("cases",)


@dataclass
class LinkReport:
    """What a linking run did."""

    records: int
    indicators: int
    components: int
    groups: int
    stored: dict[str, int] = field(default_factory=dict)
    dropped: list[tuple[str, str, int, str]] = field(default_factory=list)
    seconds: float = 0.0
    gangs: list[GangOut] = field(default_factory=list)


def load_sightings(engine: Engine) -> pa.Table:
    """Every sighting as (source, record_id, kind, value), read in batches."""
    cols: dict[str, list[str]] = {"source": [], "record_id": [], "kind": [], "value": []}
    stmt = (select(Sighting.source, Sighting.record_id, Indicator.kind, Indicator.value)
            .join(Indicator, Indicator.id == Sighting.indicator_id)
            .execution_options(yield_per=50_000))
    with session_scope(engine) as session:
        for source, record_id, kind, value in session.execute(stmt):
            cols["source"].append(source)
            cols["record_id"].append(record_id)
            cols["kind"].append(kind)
            cols["value"].append(value)
    return pa.table(cols)


def record_categories(engine: Engine) -> dict[tuple[str, str], str]:
    """(source, record_id) → category, from case records and detector findings."""
    out: dict[tuple[str, str], str] = {}
    with session_scope(engine) as session:
        for case_no, category in session.execute(select(Case.case_no, Case.category)):
            if category:
                for source in CASE_SOURCES:
                    out[(source, case_no)] = category
        for source, record_id, category in session.execute(
                select(Finding.source, Finding.record_id, Finding.category)):
            if source and record_id:
                out[(source, record_id)] = category
    return out


def case_regions(engine: Engine) -> dict[str, str]:
    with session_scope(engine) as session:
        return {n: r for n, r in session.execute(select(Case.case_no, Case.region_code)) if r}


def is_gang(group: Group) -> bool:
    """Seen again, and more than one contact or seen often: a shop's phone in one post is not a
    gang; a contact that recurs in three ads, or two contacts that recur together, are."""
    return group.record_count >= 2 and (len(group.indicators) >= 2 or group.record_count >= 3)


def indicator_categories(sightings: pa.Table, categories: dict[tuple[str, str], str]
                         ) -> dict[tuple[str, str], list[str]]:
    """(kind, value) → the categories of the records (cases, findings) it is seen in: the
    evidence of each member's own part, beside its gang's."""
    if not categories or sightings.num_rows == 0:
        return {}
    (sources, ids), cats = zip(*categories.keys(), strict=True), list(categories.values())
    filed = pa.table({"source": list(sources), "record_id": list(ids), "category": cats})
    joined = sightings.select(["source", "record_id", "kind", "value"]).join(
        filed, ["source", "record_id"], join_type="inner")
    out: dict[tuple[str, str], list[str]] = defaultdict(list)
    for kind, value, category in zip(joined["kind"].to_pylist(), joined["value"].to_pylist(),
                                     joined["category"].to_pylist(), strict=True):
        out[(kind, value)].append(category)
    return out


def to_gangs(result: LinkResult, categories: dict[tuple[str, str], str],
             regions: dict[str, str],
             member_categories: dict[tuple[str, str], list[str]] | None = None
             ) -> tuple[list[GangOut], list[tuple[str, str, float, int]]]:
    """Gangs (groups big enough to be one) with roles, regions and links along the chain.

    A member's role comes from the categories of its own records (`member_categories`) where it
    has any — a 跑分 card named in laundering cases settles payments for the fraud gang it
    serves — else it is the gang's; a case's role is that of its own category."""
    gangs: list[GangOut] = []
    for group in result.groups:
        if not is_gang(group):
            continue
        gangs.append(_gang(group, categories, regions, member_categories or {}))
    roles = {g.key: g.role for g in gangs}
    links = []
    for (a, b), (weight, ties) in sorted(result.links.items()):
        if a in roles and b in roles:
            up, down = (a, b) if upstream_first(roles[a], roles[b]) else (b, a)
            links.append((up, down, round(weight, 4), ties))
    return gangs, links


def _gang(group: Group, categories: dict[tuple[str, str], str],
          regions: dict[str, str],
          member_cats: dict[tuple[str, str], list[str]]) -> GangOut:
    cats = [categories[r] for r in group.records if r in categories]
    role = group_role(cats, (k for k, _, _ in group.indicators))
    category = main_category(cats)
    cases = sorted(rid for src, rid in group.records if src in CASE_SOURCES)
    region_counts = Counter(regions[c] for c in cases if c in regions)
    return GangOut(
        key=group.key, score=round(group.cohesion, 4), category=category, role=role,
        name=_name(group, category),
        summary={"records": group.record_count, "sources": dict(group.sources),
                 "regions": dict(region_counts.most_common()), "cases": len(cases),
                 "indicators": len(group.indicators)},
        indicators=[(k, v, role_of_category(main_category(member_cats[(k, v)]))
                     if member_cats.get((k, v)) else role) for k, v, _ in group.indicators],
        cases=[(c, role_of_category(categories[(src, c)]) if (src, c) in categories else role)
               for src, c in sorted((s, r) for s, r in group.records if s in CASE_SOURCES)],
    )


def _name(group: Group, category: str | None) -> str:
    anchor = max(group.indicators, key=lambda x: (x[2], x[0], x[1]))
    return f"{category or 'unknown'} · {anchor[0]} {anchor[1]}"


def link_store(engine: Engine, exclusions: ExclusionList | None = None,
               resolution: float | None = DEFAULT_RESOLUTION,
               con: ibis.BaseBackend | None = None) -> LinkReport:
    """Link everything the store has seen and replace its gangs with what is found.

    `con` is the engine the graph steps run on (`jingwang.linking.engines.connect`); DuckDB
    in-process when not given."""
    started = time.perf_counter()
    sightings = load_sightings(engine)
    result = link_sightings(sightings, exclusions or default_exclusions(), resolution, con=con)
    categories = record_categories(engine)
    gangs, links = to_gangs(result, categories, case_regions(engine),
                            indicator_categories(sightings, categories))
    with session_scope(engine) as session:
        stored = replace_gangs(session, gangs, links)
    return LinkReport(records=result.records, indicators=len(result.membership),
                      components=result.components, groups=len(result.groups), stored=stored,
                      dropped=result.dropped, seconds=time.perf_counter() - started,
                      gangs=gangs)
