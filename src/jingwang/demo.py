"""The main job: simulate a small 净网 world, run every detector that exists over it into a fresh
store, and score the result against the world's truth.

`run_demo` is the library function; `jingwang demo` and `make demo` print what it returns.  Each
later issue adds its step here (content risk, payments, traffic, web, linking, clues, console).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from jingwang.clues import MakeReport, UnitImportReport, make_clues, seed_demo_units
from jingwang.demo_people import DemoPeople, add_demo_people, push_local_clues
from jingwang.evaluate.truth import load_truth
from jingwang.evaluate.world import Evaluation, evaluate_store
from jingwang.ingest.cases import CaseImportReport, import_cases
from jingwang.ingest.citizen_reports import store_reports
from jingwang.ingest.ledgers import StoredScan, store_scan
from jingwang.ingest.posts import PostsReport, ingest_posts
from jingwang.ingest.records import read_text_records
from jingwang.ingest.text import IngestReport, ingest_text
from jingwang.ingest.traffic import TRAFFIC_SOURCE, StoredTraffic, store_traffic
from jingwang.linking.run import LinkReport, link_store
from jingwang.payments import read_accounts, read_ledger
from jingwang.payments.scan import Scan, load_model, scan_ledger
from jingwang.simulate.regions import REGION_CODES
from jingwang.simulate.run import Manifest, Progress, simulate_world
from jingwang.store.db import init_store, open_store, session_scope
from jingwang.store.models import Clue
from jingwang.store.repository import most_sighted, store_counts
from jingwang.traffic import LogFormat, scan_logs
from jingwang.traffic import Scan as TrafficScan


@dataclass(frozen=True)
class Source:
    """One file of the simulated world ingested as text: where its text, id and time are."""

    name: str
    path: str
    text_field: str = "text"
    id_field: str = "id"
    time_field: str = "time"


SOURCES = (
    Source("posts", "posts.jsonl"),
    Source("reports", "reports.jsonl"),
)
CASES = "cases.csv"


@dataclass
class DemoResult:
    """What the demo did: the world, what was ingested, the store, the scores."""

    world_dir: Path
    db_url: str
    manifest: Manifest
    ingested: list[IngestReport] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    evaluation: Evaluation | None = None
    recurring: list[tuple[str, str, int, int]] = field(default_factory=list)
    recurring_gangs: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    cases: CaseImportReport | None = None
    posts: PostsReport | None = None
    payments: Scan | None = None
    payments_stored: StoredScan | None = None
    traffic: TrafficScan | None = None
    traffic_stored: StoredTraffic | None = None
    linked: LinkReport | None = None
    units: UnitImportReport | None = None
    clues: MakeReport | None = None
    pushed: int = 0
    people: DemoPeople | None = None
    # The first clues made: (id, urgency, status, category, unit name, routing reason).
    clue_rows: list[tuple[int, str, str, str, str, str]] = field(default_factory=list)


def _clues(engine, result: DemoResult) -> None:
    """Seed a unit tree over the world's regions, then make, route and push clues by the
    shipped rules, as a 网安 centre would after linking; the analysts then push every clue
    routed to a local unit (:func:`~jingwang.demo_people.push_local_clues`)."""
    with session_scope(engine) as session:
        result.units = seed_demo_units(session, REGION_CODES)
        result.clues = make_clues(session)
        result.pushed = push_local_clues(session)
    with session_scope(engine) as session:
        clues = session.scalars(select(Clue).where(Clue.id.in_(result.clues.created[:500]))
                                .order_by(Clue.id)).all()
        urgency_rank = {"immediate": 0, "urgent": 1, "normal": 2}
        clues.sort(key=lambda c: (urgency_rank.get(c.urgency, 3), c.id))
        result.clue_rows = [(c.id, c.urgency, c.status, c.category,
                             c.unit.name if c.unit else "-", c.routing_reason or "")
                            for c in clues[:8]]


def _payments(engine, world_dir: Path, result: DemoResult) -> None:
    """Scan the world's ledger (rules, structures, identity kits, the shipped model) and store
    the findings under source `ledger`, before linking joins the cards to the gangs."""
    ledger = world_dir / "ledger"
    if not (ledger / "transactions.parquet").exists():
        return
    registry = read_accounts(str(ledger / "accounts.parquet"))
    scan = scan_ledger(read_ledger(str(ledger / "transactions.parquet")), registry,
                       model=load_model())
    result.payments = scan
    result.payments_stored = store_scan(engine, scan.accounts, scan.structures, "ledger",
                                        scan.identities, registry)


def _traffic(engine, world_dir: Path, result: DemoResult) -> None:
    """Scan the registration platform's access log (with its release schedule) and store the
    bot clusters and floods under source `access-log`, before linking."""
    logs = world_dir / "logs"
    if not (logs / "access.log").exists():
        return
    schedule = logs / "releases.csv"
    result.traffic = scan_logs([logs / "access.log"], LogFormat.preset("jingwang"),
                               schedule if schedule.exists() else None)
    result.traffic_stored = store_traffic(engine, result.traffic, TRAFFIC_SOURCE)


def default_demo_db(out: Path) -> str:
    return f"sqlite:///{(out / 'jingwang.db').resolve()}"


def run_demo(out: Path, seed: int = 7, scale: str = "small", db_url: str | None = None,
             progress: Progress | None = None,
             on_ingest: Callable[[IngestReport], None] | None = None,
             on_world: Callable[[Manifest], None] | None = None,
             on_cases: Callable[[CaseImportReport], None] | None = None,
             on_link: Callable[[LinkReport], None] | None = None,
             password: str | None = None) -> DemoResult:
    """Simulate into `out/world`, ingest posts and reports, import the cases, scan the
    ledger, link, make and push clues, add the console's demo users (``password``, random when
    not given), score — into a fresh store (default `out/jingwang.db`)."""
    out.mkdir(parents=True, exist_ok=True)
    world_dir = out / "world"
    manifest = simulate_world(seed, scale, world_dir, progress)
    if on_world is not None:
        on_world(manifest)
    if db_url is None:
        db_url = default_demo_db(out)
        for suffix in ("", "-wal", "-shm"):  # the demo always starts from an empty store
            (out / f"jingwang.db{suffix}").unlink(missing_ok=True)
    init_store(db_url)
    engine = open_store(db_url)
    result = DemoResult(world_dir=world_dir, db_url=db_url, manifest=manifest)
    for source in SOURCES:
        with session_scope(engine) as session:
            records = read_text_records(str(world_dir / source.path),
                                        text_field=source.text_field, id_field=source.id_field,
                                        time_field=source.time_field)
            records = list(records)
            if source.name == "posts":  # classified too: content findings beside sightings
                result.posts = ingest_posts(session, records, source.name)
                report = result.posts.text
            else:
                report = ingest_text(session, records, source.name)
            if source.name == "reports":  # also kept whole, for the analysts' triage page
                store_reports(session, records)
        result.ingested.append(report)
        if on_ingest is not None:
            on_ingest(report)
    with session_scope(engine) as session:
        result.cases = import_cases(session, str(world_dir / CASES))
    if on_cases is not None:
        on_cases(result.cases)
    _payments(engine, world_dir, result)
    _traffic(engine, world_dir, result)
    result.linked = link_store(engine)
    if on_link is not None:
        on_link(result.linked)
    _clues(engine, result)
    with session_scope(engine) as session:
        result.people = add_demo_people(session, password)
    truth = load_truth(world_dir)
    result.evaluation = evaluate_store(truth, engine)
    with session_scope(engine) as session:
        result.counts = store_counts(session)
        result.recurring = most_sighted(session, limit=5)
    owners = truth.gang_of_indicator()
    result.recurring_gangs = {(k, v): sorted(owners.get((k, v), ()))
                              for k, v, _, _ in result.recurring}
    return result
