"""Score a knowledge store against the truth of the simulated world it was filled from.

Each detector that exists contributes a row: precision, recall and F1 of what it stored against
what the truth says.  Today that is indicator extraction on posts and on case descriptions; the
later detectors (content, payments, traffic, web) and linking (B-cubed F1 per gang) plug in here.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Engine, select

from jingwang.categories import CATEGORIES
from jingwang.evaluate.metrics import PRF, bcubed, set_prf
from jingwang.evaluate.truth import Truth
from jingwang.store.db import session_scope
from jingwang.store.models import Finding, Gang, GangMember, Indicator, Sighting
from jingwang.store.repository import iter_source_sightings


@dataclass
class DetectorScore:
    """One row of the evaluation table."""

    detector: str
    unit: str
    score: PRF | None = None
    bcubed: tuple[float, float, float] | None = None
    note: str = ""


@dataclass
class CategoryRow:
    """What was found per category: the gangs' indicators written in posts, and found."""

    category: str
    gangs: int
    illicit_posts: int
    indicators: int
    found: int


@dataclass
class Evaluation:
    rows: list[DetectorScore] = field(default_factory=list)
    categories: list[CategoryRow] = field(default_factory=list)


def _stored(engine: Engine, source: str) -> set[tuple[str, str, str]]:
    with session_scope(engine) as session:
        return set(iter_source_sightings(session, source))


def _triples(truth_map: dict[str, set[tuple[str, str]]]) -> set[tuple[str, str, str]]:
    return {(rid, kind, value) for rid, pairs in truth_map.items() for kind, value in pairs}


LAUNDERING_ROLES = ("collection", "pass_through", "consolidation")


def evaluate_store(truth: Truth, engine: Engine, posts_source: str = "posts",
                   cases_source: str = "cases", ledger_source: str = "ledger",
                   traffic_source: str = "access-log") -> Evaluation:
    """Every score that can be computed from what the store holds."""
    result = Evaluation()
    posts = _stored(engine, posts_source)
    if posts:
        result.rows.append(DetectorScore("indicator extraction", "posts",
                                         set_prf(_triples(truth.post_indicators), posts)))
    else:
        result.rows.append(DetectorScore("indicator extraction", "posts",
                                         note=f"no sightings from source '{posts_source}'"))
    cases = _stored(engine, cases_source)
    if cases:
        result.rows.append(DetectorScore("indicator extraction", "cases",
                                         set_prf(_triples(truth.case_indicators), cases)))
    result.rows.extend(_content_scores(truth, engine, posts_source))
    result.rows.append(_payments_score(truth, engine, ledger_source))
    result.rows.extend(_traffic_scores(truth, engine, traffic_source))
    result.rows.append(_gang_score(truth, engine))
    if _stored(engine, ledger_source):
        result.rows.append(_gang_score(truth, engine, leave_out=ledger_source))
    result.categories = _per_category(truth, posts)
    return result


def _per_category(truth: Truth, stored: set[tuple[str, str, str]]) -> list[CategoryRow]:
    found_pairs = {(kind, value) for _, kind, value in stored}
    gangs_by_cat: Counter[str] = Counter(g["category"] for g in truth.gangs)
    posts_by_cat: Counter[str] = Counter()
    written: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for post_id, label in truth.post_labels.items():
        if label["label"] != "illicit":
            continue
        posts_by_cat[label["category"]] += 1
        written[label["category"]] |= truth.post_indicators.get(post_id, set())
    return [CategoryRow(cat, gangs_by_cat[cat], posts_by_cat[cat], len(written[cat]),
                        len(written[cat] & found_pairs))
            for cat in CATEGORIES if gangs_by_cat[cat] or posts_by_cat[cat]]


def _content_scores(truth: Truth, engine: Engine, source: str) -> list[DetectorScore]:
    """Posts the content classifier flagged (`content` findings under `source`) against the
    posts the world wrote as illicit; and (post, category) pairs against the true pairs."""
    with session_scope(engine) as session:
        found = session.execute(select(Finding.record_id, Finding.category).where(
            Finding.detector == "content", Finding.source == source)).all()
    if not truth.post_labels:
        return []
    if not found:
        return [DetectorScore("content risk", "posts",
                              note=f"no content findings from source '{source}' "
                                   "(jingwang ingest posts)")]
    illicit = {pid: row["category"] for pid, row in truth.post_labels.items()
               if row["label"] == "illicit"}
    flagged = {rid for rid, _ in found if rid in truth.post_labels}
    pairs = {(rid, cat) for rid, cat in found if rid in truth.post_labels}
    return [DetectorScore("content risk", "posts", set_prf(set(illicit), flagged),
                          note="any category"),
            DetectorScore("content categories", "posts", set_prf(set(illicit.items()), pairs),
                          note="(post, category)")]


def _payments_score(truth: Truth, engine: Engine, source: str) -> DetectorScore:
    """Accounts the ledger scan flagged (`payments` findings under `source`) against the
    accounts whose true role is collection, pass-through or consolidation."""
    with session_scope(engine) as session:
        records = session.scalars(select(Finding.record_id).where(
            Finding.detector == "payments", Finding.source == source)).all()
    if not truth.account_roles:
        return DetectorScore("payment channels", "accounts", note="the world has no ledger")
    if not records:
        return DetectorScore("payment channels", "accounts",
                             note=f"no payment findings from source '{source}' "
                                  "(jingwang scan payments)")
    flagged = {r.removeprefix("account/") for r in records if r and r.startswith("account/")}
    true = {a for a, role in truth.account_roles.items() if role in LAUNDERING_ROLES}
    return DetectorScore("payment channels", "accounts", set_prf(true, flagged))


def _traffic_scores(truth: Truth, engine: Engine, source: str) -> list[DetectorScore]:
    """Addresses in the stored traffic findings (bot clusters and floods under `source`)
    against the addresses whose every client is a bot or a flood source; and the accounts the
    bot clusters name against the bots' accounts."""
    if not truth.clients:
        return []
    with session_scope(engine) as session:
        findings = session.scalars(select(Finding).where(
            Finding.detector.in_(("traffic", "traffic.ddos")), Finding.source == source)).all()
        flagged_ips = {i.value for f in findings for i in f.indicators if i.kind == "ip"}
        accounts = {a for f in findings if f.detector == "traffic"
                    for a in (f.evidence or {}).get("accounts", [])}
    if not findings:
        return [DetectorScore("traffic bots", "addresses",
                              note=f"no traffic findings from source '{source}' "
                                   "(jingwang scan logs)")]
    labels: dict[str, set[str]] = defaultdict(set)
    for row in truth.clients:
        labels[row["ip"]].add(row["label"])
    bad_ips = {ip for ip, ls in labels.items() if ls <= {"bot", "ddos"}}
    bot_accounts = {r["uid"] for r in truth.clients if r["uid"] and r["label"] == "bot"}
    return [DetectorScore("traffic bots", "addresses", set_prf(bad_ips, flagged_ips),
                          note="bots, floods"),
            DetectorScore("traffic bots", "accounts", set_prf(bot_accounts, accounts),
                          note="bot clusters")]


def _gang_score(truth: Truth, engine: Engine, leave_out: str | None = None) -> DetectorScore:
    """B-cubed F1 of stored gangs against true gangs, over the indicators of one true gang.

    With `leave_out`, only over the indicators also seen in some other source: a ledger scan
    adds the cards and handsets seen nowhere else, which linking can only join by the money
    between them."""
    with session_scope(engine) as session:
        rows = session.execute(
            select(Indicator.kind, Indicator.value, Gang.key)
            .join(GangMember, GangMember.indicator_id == Indicator.id)
            .join(Gang, Gang.id == GangMember.gang_id)
        ).all()
    if not rows:
        return DetectorScore("gang discovery", "indicators",
                             note="no gangs in the store yet: linking comes later")
    with session_scope(engine) as session:
        stored = {tuple(r) for r in session.execute(select(Indicator.kind, Indicator.value))}
        if leave_out is not None:
            stored = {tuple(r) for r in session.execute(
                select(Indicator.kind, Indicator.value).join(
                    Sighting, Sighting.indicator_id == Indicator.id)
                .where(Sighting.source != leave_out).distinct())}
    owners = truth.gang_of_indicator()
    # Every gang indicator the store has seen counts; one linking left out is a singleton.
    true_map = {pair: next(iter(g)) for pair, g in owners.items()
                if len(g) == 1 and pair in stored}
    predicted = {(kind, value): key for kind, value, key in rows}
    unit = "indicators" if leave_out is None else f"indicators outside '{leave_out}'"
    return DetectorScore("gang discovery", unit, bcubed=bcubed(true_map, predicted))


def category_label(code: str) -> str:
    return f"{code} {CATEGORIES.get(code, '')}".strip()
