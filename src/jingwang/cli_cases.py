"""`jingwang import cases` and `jingwang hits`: case records into the store, and 比中 over it.

Both are thin: :func:`jingwang.ingest.cases.import_cases` and :func:`jingwang.linking.hits.hits`
do the work.  Importing this module registers the commands on the shared app.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from jingwang.cli_common import (
    VersionOpt,
    app,
    exclusions_option,
    fail,
    open_engine,
    out,
    progress_bar,
)
from jingwang.indicators import KINDS
from jingwang.indicators.query import query_candidates
from jingwang.ingest.cases import CASE_FORMATS, CaseColumns, CaseImportReport, import_cases
from jingwang.ingest.records import InputError
from jingwang.linking.hits import Hit, HitReport, hits
from jingwang.store.db import session_scope
from jingwang.store.errors import NotFound, StoreError

import_app = typer.Typer(help="Import structured records (cases) into the knowledge store.",
                         no_args_is_help=True)
app.add_typer(import_app, name="import")
UNITS_SHOWN = 10


IdColumnOpt = Annotated[str, typer.Option("--id-column", help="Column/field of the case id.")]
TimeColumnOpt = Annotated[str, typer.Option(
    "--time-column", help="Column/field of the reported time ('' when there is none).")]
RegionColumnOpt = Annotated[str, typer.Option(
    "--region-column", help="Column/field of the 6-digit region code ('' when none).")]
CategoryColumnOpt = Annotated[str, typer.Option(
    "--category-column", help="Column/field of the category code ('' when none).")]
TextColumnOpt = Annotated[str, typer.Option(
    "--text-column", help="Column/field of the description.")]


def _summary(r: CaseImportReport) -> str:
    cases = f"{r.cases:,} case{'' if r.cases == 1 else 's'}"
    return (f"{r.file}: {cases} ({r.new:,} new, {r.updated:,} updated, {r.unchanged:,} "
            f"unchanged), {r.extracted:,} indicators found in descriptions, "
            f"{r.explicit:,} explicit ({r.distinct_indicators:,} distinct), "
            f"{r.links_new:,} new case links, {r.new_sightings:,} new sightings stored under "
            f"source '{r.source}'")


@import_app.command("cases")
def import_cases_cmd(
    ctx: typer.Context,
    file: Annotated[str, typer.Argument(help="CSV or JSONL file of cases; '-' for stdin.")],
    fmt: Annotated[str, typer.Option(
        "--format", help="auto, csv or jsonl (auto: csv for *.csv, JSONL for *.jsonl or when "
                         "the file starts with '{').")] = "auto",
    source: Annotated[str, typer.Option(
        "--source", help="Source name of the descriptions' sightings.")] = "cases",
    id_column: IdColumnOpt = "case_id",
    time_column: TimeColumnOpt = "reported_at",
    region_column: RegionColumnOpt = "region_code",
    category_column: CategoryColumnOpt = "category",
    text_column: TextColumnOpt = "description",
    version: VersionOpt = False,
) -> None:
    """Import cases (id, reported time, region, category, description, optional indicator
    columns named after kinds); idempotent, and a bad row stores nothing from the file."""
    if fmt not in CASE_FORMATS:
        fail(f"unknown --format {fmt!r}; choose {', '.join(CASE_FORMATS)}", 2)
    if not source.strip():
        fail("--source must name the source", 2)
    columns = CaseColumns(case_id=id_column, reported_at=time_column, region_code=region_column,
                          category=category_column, description=text_column)
    engine = open_engine(ctx)
    progress = progress_bar("importing")
    try:
        with progress, session_scope(engine) as session:
            task = progress.add_task(file, total=None)
            report = import_cases(session, file, fmt=fmt, columns=columns, source=source,
                                  progress=lambda n: progress.advance(task, n))
    except InputError as exc:
        fail(f"{exc} — nothing from this file was stored")
    except (StoreError, ValueError) as exc:
        fail(str(exc))
    out.print(_summary(report))


# --- hits --------------------------------------------------------------------------------------

def _record_cell(hit: Hit) -> Text:
    text = Text(hit.label, style="bold")
    if hit.case is not None:
        c = hit.case
        when = f"{c.reported_at:%Y-%m-%d}" if c.reported_at else "-"
        text.append(f"\n{c.category or '-'} · {c.region_code or '-'} · {when}")
        text.append(f"\n{c.title}")
    for f in hit.findings:
        text.append(f"\nfinding #{f.id} {f.detector} {f.category} {f.score:.2f}")
    return text


def _shared_cell(hit: Hit) -> Text:
    return Text("\n".join(f"{s.kind} {s.value} ({s.weight:.2f}, {s.records:,} records)"
                          for s in hit.shared))


def _print_units(report: HitReport, shown: int = UNITS_SHOWN) -> None:
    if not report.units:
        return
    units = Table(title="regions of the matching cases")
    for col in ("region", "cases", "units"):
        units.add_column(col)
    for u in report.units[:shown]:
        names = ", ".join(f"{code} {name}" for code, name in u.units) or "-"
        units.add_row(u.region_code, f"{u.cases:,}", names)
    rest = report.units[shown:]
    if rest:
        units.caption = (f"and {len(rest):,} more regions with "
                         f"{sum(u.cases for u in rest):,} cases (--json lists all)")
    out.print(units)


def _print_report(report: HitReport, what: str) -> None:
    if not report.hits:
        out.print(f"比中 {what}: no other record shares an indicator that links "
                  f"({report.records:,} records in the store)")
    table = Table(title=f"比中 {what}: {report.total:,} records share an indicator "
                        f"(of {report.records:,} in the store)")
    table.add_column("rank", justify="right")
    table.add_column("record", overflow="fold")
    table.add_column("score", justify="right")
    table.add_column("shared indicators", overflow="fold")
    for hit in report.hits:
        table.add_row(str(hit.rank), _record_cell(hit), f"{hit.score:.2f}", _shared_cell(hit))
    if report.hits:
        out.print(table)
    if report.total > len(report.hits) > 0:
        out.print(f"showing the top {len(report.hits):,} of {report.total:,} (--limit)")
    _print_units(report)
    used = ", ".join(f"{q.kind} {q.value} ({q.weight:.2f})" for q in report.used)
    out.print(f"query indicators used: {used or 'none'}")
    stored = [q for q in report.ignored if q.indicator_id is not None]  # not other readings
    if stored:
        ignored = "; ".join(f"{q.kind} {q.value} ({q.reason(report.max_records)})"
                            for q in stored)
        out.print(f"ignored query indicators: {ignored}")


@app.command("hits")
def hits_cmd(
    ctx: typer.Context,
    query: Annotated[str | None, typer.Argument(
        help="A phone, card, account, handle, domain … written in any form.")] = None,
    case_no: Annotated[str | None, typer.Option("--case", help="The case to match.")] = None,
    kind: Annotated[str | None, typer.Option("--kind", help="Read QUERY as this kind.")] = None,
    exclusions_file: Annotated[Path | None, typer.Option(
        "--exclusions", help="A unit's exclusion file, added to the shipped list "
                             "('kind value', 'kind *suffix', '-kind value' per line).")] = None,
    max_records: Annotated[int | None, typer.Option(
        "--max-records", help="Values in more records than this link nothing (default 200).")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", help="Hits shown.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    version: VersionOpt = False,
) -> None:
    """比中: every case, record and finding sharing an indicator with QUERY or --case,
    strongest evidence first (rare values weigh more; excluded and over-common ones nothing)."""
    if (query is None) == (case_no is None):
        fail("give a QUERY or --case ID, exactly one", 2)
    if kind is not None and kind not in KINDS:
        fail(f"unknown kind {kind}; known: {', '.join(KINDS)}", 2)
    if limit < 0:
        fail("--limit must not be negative", 2)
    pairs = None
    if query is not None:
        pairs = query_candidates(query, kind)
        if not pairs:
            fail(f"{query!r} is not a valid indicator of any kind" + (f" ({kind})" if kind else ""),
                 2)
    exclusions = exclusions_option(exclusions_file, max_records)
    engine = open_engine(ctx)
    try:
        with session_scope(engine) as session:
            report = hits(session, pairs=pairs, case_no=case_no, exclusions=exclusions,
                          limit=limit)
    except NotFound as exc:
        fail(str(exc))
    if as_json:
        out.print_json(json.dumps(report.to_dict(), ensure_ascii=False, default=str))
        return
    if query is not None and not any(q.indicator_id for q in report.query):
        read_as = ", ".join(f"{k} {v}" for k, v in pairs or ())
        out.print(f"nothing known about {query!r} (read as: {read_as})")
        raise typer.Exit(1)
    _print_report(report, f"case {case_no}" if case_no is not None else repr(query))
