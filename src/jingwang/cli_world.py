"""`jingwang simulate`, `jingwang demo` and `jingwang evaluate`: the synthetic world, the main
job, and scoring against the world's truth."""

from __future__ import annotations

import tempfile
from collections import Counter
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from jingwang.cli_common import VersionOpt, app, db_url, fail, open_engine, out, progress_bar
from jingwang.demo import DemoResult, run_demo
from jingwang.evaluate.truth import NotASimulation, load_truth
from jingwang.evaluate.world import Evaluation, category_label, evaluate_store
from jingwang.linking.run import LinkReport
from jingwang.simulate.run import Manifest, simulate_world
from jingwang.simulate.world import SCALES
from jingwang.store.db import display_url
from jingwang.store.errors import StoreError

SeedOpt = Annotated[int, typer.Option("--seed", help="The world's seed: same seed, same bytes.")]
ScaleOpt = Annotated[str, typer.Option(
    "--scale", help="small (seconds, for tests), medium (~1M transactions), large (≥10M).")]


@contextmanager
def _progress():
    """A Rich progress bar on a terminal, nothing in a pipe; yields the simulator's callback."""
    bar = progress_bar("simulating")
    tasks: dict[str, int] = {}

    def advance(stage: str, n: int, total: int | None) -> None:
        if stage not in tasks:
            tasks[stage] = bar.add_task(stage, total=total)
        bar.advance(tasks[stage], n)

    with bar:
        yield advance


def _check_scale(scale: str) -> None:
    if scale not in SCALES:
        fail(f"unknown scale {scale!r}; choose {', '.join(SCALES)}", 2)


def _print_manifest(m: Manifest, where: Path) -> None:
    counts = ", ".join(f"{v:,} {k.replace('_', ' ')}" for k, v in m.counts.items())
    out.print(f"simulated world seed {m.seed} ({m.scale}) in {where}: {counts}")


@app.command()
def simulate(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder to write the world into.")],
    seed: SeedOpt = 7,
    scale: ScaleOpt = "small",
    version: VersionOpt = False,
) -> None:
    """Write a synthetic 净网 world with its ground truth (posts, cases, ledger, logs, pages)."""
    _check_scale(scale)
    with _progress() as advance:
        manifest = simulate_world(seed, scale, out_dir, advance)
    _print_manifest(manifest, out_dir)


@app.command()
def demo(
    ctx: typer.Context,
    seed: SeedOpt = 7,
    scale: ScaleOpt = "small",
    out_dir: Annotated[Path | None, typer.Option(
        "--out", help="Keep the world and the store here (default: a temporary folder).")] = None,
    no_serve: Annotated[bool, typer.Option(
        "--no-serve", help="Do not serve the console afterwards (for scripts).")] = False,
    host: Annotated[str, typer.Option("--host", help="Address the console listens on.")]
        = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port the console listens on.")] = 8000,
    version: VersionOpt = False,
) -> None:
    """The main job: simulate a small world, detect, link, route clues, score it against the
    truth — then open the console on it (until Ctrl-C; --no-serve to stop after scoring)."""
    _check_scale(scale)
    explicit_db = (ctx.obj or {}).get("db")
    with tempfile.TemporaryDirectory(prefix="jingwang-demo-") as tmp:
        where = out_dir or Path(tmp)
        try:
            with _progress() as advance:
                result = run_demo(where, seed, scale, explicit_db, advance,
                                  on_world=lambda m: _print_manifest(m, where / "world"),
                                  on_ingest=lambda r: out.print(
                                      f"ingested {r.source:<8} {r.records:>6,} records, "
                                      f"{r.extracted:,} indicators, "
                                      f"{r.new_sightings:,} new sightings"),
                                  on_cases=lambda r: out.print(
                                      f"imported cases   {r.cases:>6,} cases, "
                                      f"{r.extracted:,} indicators from their descriptions"),
                                  on_link=_print_link)
        except StoreError as exc:
            fail(str(exc))
        _print_demo(result)
        if out_dir is None:
            out.print("(the demo world and store are temporary; keep them with --out DIR)")
        if not no_serve:
            _serve_console(result, host, port)


def _serve_console(result: DemoResult, host: str, port: int) -> None:
    """Open the console on the demo's store and print how to log in; runs until Ctrl-C."""
    import uvicorn

    from jingwang.api.app import create_app

    people = result.people
    base = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}"
    out.print(f"console: {base}/console/   (citizen report form: {base}/report, "
              f"API docs: {base}/docs; Ctrl-C stops)")
    if people is not None and people.users:
        units = {"officer": people.officer_unit, "county_officer": people.county_unit}
        who = ", ".join(f"{u} ({r}{' of ' + units[u] if u in units else ''})"
                        for u, r in people.users.items())
        out.print(f"demo login: {who}; password {people.password}")
    app_ = create_app(result.db_url, escalate_every=60.0)
    uvicorn.run(app_, host=host, port=port, log_level="warning")


def _print_link(report: LinkReport) -> None:
    s = report.stored
    out.print(f"linked {report.records:,} records, {report.indicators:,} indicators: "
              f"{report.components:,} components, {s['gangs']:,} gangs, {s['links']} chain links "
              f"({len(report.dropped)} over-common values not linking)")


def _print_demo(result: DemoResult) -> None:
    out.print(f"store: {display_url(result.db_url)}")
    if result.posts is not None:
        cats = ", ".join(f"{k} {v}" for k, v in sorted(result.posts.by_category.items(),
                                                       key=lambda kv: (-kv[1], kv[0])))
        out.print(f"content: {result.posts.findings:,} findings on posts ({cats}); "
                  f"{len(result.posts.immediate)} immediate")
    if result.payments is not None and result.payments_stored is not None:
        scan = result.payments
        out.print(f"ledger: {scan.transactions.num_rows:,} transactions scanned, "
                  f"{scan.flagged_transactions:,} flagged, {scan.flagged_accounts:,} accounts "
                  f"flagged, {scan.structures.num_rows:,} structures; "
                  f"{result.payments_stored.findings:,} payment findings stored")
    if result.traffic is not None and result.traffic_stored is not None:
        scan = result.traffic
        kinds = Counter(scan.flagged["kind"].to_pylist())
        out.print(f"access log: {scan.report.parsed:,} lines, {len(scan.releases)} slot "
                  f"releases, {scan.clients.num_rows:,} clients, {scan.flagged.num_rows:,} "
                  f"flagged ({', '.join(f'{v:,} {k}' for k, v in kinds.most_common())}), "
                  f"{len(scan.attacks)} DDoS attacks; "
                  f"{result.traffic_stored.findings:,} traffic findings stored")
    assert result.evaluation is not None
    _print_evaluation(result.evaluation)
    table = Table(title="indicators seen in the most sources (比中 preview)")
    for col in ("kind", "value", "sources", "records", "true gang"):
        table.add_column(col)
    for kind, value, sources, records in result.recurring:
        gangs = ", ".join(result.recurring_gangs.get((kind, value), [])) or "— (benign)"
        table.add_row(kind, value, str(sources), str(records), gangs)
    out.print(table)
    if result.linked is not None and result.linked.gangs:
        gangs = Table(title="largest gangs found (jingwang gang KEY shows one)")
        for col in ("gang", "role", "category", "records", "indicators", "cases", "regions"):
            gangs.add_column(col)
        for g in sorted(result.linked.gangs, key=lambda g: (-g.summary["records"], g.key))[:8]:
            regions = ", ".join(list(g.summary.get("regions", {}))[:3])
            gangs.add_row(g.key, g.role or "", g.category or "", str(g.summary["records"]),
                          str(g.summary["indicators"]), str(g.summary["cases"]), regions)
        out.print(gangs)
    if result.clues is not None and result.units is not None:
        made = result.clues
        out.print(f"units: {result.units.created} created over the world's regions; clues: "
                  f"{len(made.created)} made by the rules, {made.pushed} pushed at once by a rule, "
                  f"{result.pushed} more pushed to the local unit they were routed to, "
                  f"{made.unrouted} unrouted")
        clues = Table(title="clues routed to units (jingwang clues list / clues show ID)")
        for col in ("clue", "urgency", "status", "category", "unit", "why this unit"):
            clues.add_column(col, overflow="fold")
        for cid, urgency, status, category, unit, reason in result.clue_rows:
            clues.add_row(str(cid), urgency, status, category, unit, reason)
        out.print(clues)


def _print_evaluation(ev: Evaluation) -> None:
    table = Table(title="detectors against the truth")
    for col in ("detector", "on", "precision", "recall", "F1", "tp", "fp", "fn", "note"):
        table.add_column(col, justify="right" if col in ("tp", "fp", "fn") else "left")
    for row in ev.rows:
        if row.score is not None:
            s = row.score
            table.add_row(row.detector, row.unit, f"{s.precision:.3f}", f"{s.recall:.3f}",
                          f"{s.f1:.3f}", str(s.tp), str(s.fp), str(s.fn), row.note)
        elif row.bcubed is not None:
            p, r, f = row.bcubed
            table.add_row(row.detector, row.unit, f"{p:.3f}", f"{r:.3f}", f"{f:.3f}",
                          "", "", "", "B-cubed")
        else:
            table.add_row(row.detector, row.unit, "", "", "", "", "", "", row.note)
    out.print(table)
    if ev.categories:
        cats = Table(title="per category: the gangs' indicators written in posts, and found")
        for col in ("category", "gangs", "illicit posts", "indicators", "found", "recall"):
            cats.add_column(col, justify="left" if col == "category" else "right")
        for c in ev.categories:
            recall = f"{c.found / c.indicators:.3f}" if c.indicators else "—"
            cats.add_row(category_label(c.category), str(c.gangs), str(c.illicit_posts),
                         str(c.indicators), str(c.found), recall)
        out.print(cats)


@app.command()
def evaluate(
    ctx: typer.Context,
    world: Annotated[Path, typer.Argument(help="A folder written by `jingwang simulate`.")],
    posts_source: Annotated[str, typer.Option(
        "--posts-source", help="Source name the world's posts were ingested under.")] = "posts",
    cases_source: Annotated[str, typer.Option(
        "--cases-source", help="Source name the world's cases were ingested under.")] = "cases",
    ledger_source: Annotated[str, typer.Option(
        "--ledger-source", help="Source name the world's ledger was scanned under "
        "(`jingwang scan payments --source`).")] = "ledger",
    version: VersionOpt = False,
) -> None:
    """Score what the store holds for a simulated world against its truth/."""
    try:
        truth = load_truth(world)
    except NotASimulation as exc:
        fail(str(exc), 2)
    engine = open_engine(ctx)
    out.print(f"world {world} (seed {truth.manifest.get('seed')}, "
              f"{truth.manifest.get('scale')}) against {display_url(db_url(ctx))}")
    _print_evaluation(evaluate_store(truth, engine, posts_source, cases_source, ledger_source))
