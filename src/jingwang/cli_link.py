"""`jingwang link` and `jingwang gang`: find gangs in what the store has seen, and show one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from jingwang.categories import CATEGORIES, CHAIN_ROLES
from jingwang.cli_common import VersionOpt, app, exclusions_option, fail, open_engine, out
from jingwang.linking.communities import DEFAULT_RESOLUTION
from jingwang.linking.engines import (
    DEFAULT_SPARK_MASTER,
    ENGINES,
    EngineUnavailable,
    connect,
)
from jingwang.linking.exclusions import (
    DEFAULT_MAX_RECORDS,
)
from jingwang.linking.run import link_store
from jingwang.store.db import session_scope
from jingwang.store.errors import NotFound
from jingwang.store.gang_view import gang_dot, gang_view


@app.command()
def link(
    ctx: typer.Context,
    exclusions: Annotated[Path | None, typer.Option(
        "--exclusions", help="Your own exclusion list, added to the shipped one.")] = None,
    max_records: Annotated[int | None, typer.Option(
        "--max-records", help="A value seen in more records than this links nothing "
        f"(default: {DEFAULT_MAX_RECORDS} or 1% of all records, whichever is larger).")]
        = None,
    resolution: Annotated[float, typer.Option(
        "--resolution", help="Leiden (CPM) resolution: higher splits components more.")]
        = DEFAULT_RESOLUTION,
    engine_name: Annotated[str, typer.Option(
        "--engine", help="Where the graph steps run: duckdb (in-process) or spark.")]
        = "duckdb",
    spark_master: Annotated[str | None, typer.Option(
        "--spark-master", help="Spark master URL for --engine spark (default: "
        f"$JINGWANG_SPARK_MASTER or {DEFAULT_SPARK_MASTER}).")] = None,
    version: VersionOpt = False,
) -> None:
    """Link every sighting into gangs (components, then Leiden communities) and store them."""
    if engine_name not in ENGINES:
        fail(f"unknown --engine {engine_name!r}; choose {' or '.join(ENGINES)}", 2)
    engine = open_engine(ctx)
    listed = exclusions_option(exclusions, max_records)
    con = None  # DuckDB: link_sightings opens one with a memory limit that spills to disk
    if engine_name == "spark":
        try:
            con = connect(engine_name, spark_master)
        except EngineUnavailable as exc:
            fail(str(exc))
    report = link_store(engine, listed, resolution, con=con)
    s = report.stored
    out.print(f"linked {report.records:,} records and {report.indicators:,} indicators into "
              f"{report.components:,} components and {report.groups:,} groups in "
              f"{report.seconds:.1f} s: {s['gangs']:,} gangs ({s['new']} new, {s['kept']} kept, "
              f"{s['removed']} removed), {s['members']:,} members, {s['links']} chain links")
    if report.dropped:
        shown = ", ".join(f"{k} {v} ({reason}, {df} records)"
                          for k, v, df, reason in sorted(report.dropped, key=lambda d: -d[2])[:5])
        out.print(f"not linking {len(report.dropped)} over-common values: {shown}")
    table = Table(title="largest gangs")
    for col in ("gang", "name", "role", "records", "indicators", "cases", "cohesion"):
        table.add_column(col)
    for g in sorted(report.gangs, key=lambda g: (-g.summary["records"], g.key))[:10]:
        table.add_row(g.key, g.name or "", g.role or "", str(g.summary["records"]),
                      str(g.summary["indicators"]), str(g.summary["cases"]), f"{g.score:.2f}")
    out.print(table)


@app.command()
def gang(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="The gang's key (G-…) or id.")],
    fmt: Annotated[str, typer.Option("--format", help="table, json or dot (Graphviz).")]
        = "table",
    version: VersionOpt = False,
) -> None:
    """Show a gang: members and roles, indicators, cases, regions, upstream and downstream."""
    if fmt not in ("table", "json", "dot"):
        fail(f"unknown --format {fmt!r}; choose table, json or dot", 2)
    engine = open_engine(ctx)
    try:
        with session_scope(engine) as session:
            view = gang_view(session, key)
    except NotFound as exc:
        fail(str(exc))
    if fmt == "json":
        out.print_json(json.dumps(view.as_dict(), ensure_ascii=False))
        return
    if fmt == "dot":
        print(gang_dot(view), end="")
        return
    role = f"{view.role} {CHAIN_ROLES.get(view.role, '')}" if view.role else "role unknown"
    category = f"{view.category} {CATEGORIES.get(view.category, '')}" if view.category else "—"
    out.print(f"{view.key}  {view.name or ''}\n  category {category}; {role}; "
              f"cohesion {view.score:.2f}; {view.summary.get('records', 0)} records")
    regions = view.summary.get("regions") or {}
    if regions:
        out.print("  regions: " + ", ".join(f"{r} ×{n}" for r, n in regions.items()))
    members = Table(title="indicators")
    for col in ("kind", "value", "role"):
        members.add_column(col)
    for kind, value, member_role in view.indicators:
        members.add_row(kind, value, member_role or "")
    out.print(members)
    if view.cases:
        out.print(f"  cases ({len(view.cases)}): "
                  + ", ".join(f"{n} {c or ''} {r or ''}".strip() for n, c, r, _ in view.cases))
    for label, links in (("upstream", view.upstream), ("downstream", view.downstream)):
        if links:
            out.print(f"  {label}: " + ", ".join(f"{k} ({r or '?'}, weight {w:.1f})"
                                                 for k, r, w, _ in links))
