"""The `jingwang` command line: one thin sub-command per job, each calling a library function.

Bad input and store problems end in one line on stderr (`error: FILE:ROW: reason`) and a
non-zero exit code, never a traceback.  Machine output (extract, `--json`) goes to stdout; what
a person reads (tables, progress, summaries) goes to stderr when stdout is for machines.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from jingwang.cli_common import (
    FieldOpt,
    FileArg,
    FormatOpt,
    IdFieldOpt,
    MaxLineOpt,
    TimeFieldOpt,
    VersionOpt,
    app,
    check_read_options,
    db_url,
    fail,
    ingest_app,
    open_engine,
    out,
    progress_bar,
    report_skips,
)
from jingwang.indicators import KINDS, extract_indicators
from jingwang.indicators.kinds import KIND_LABELS_ZH
from jingwang.indicators.query import query_candidates
from jingwang.ingest.records import (
    DEFAULT_MAX_LINE_BYTES,
    InputError,
    ReadStats,
    read_text_records,
)
from jingwang.ingest.text import ingest_text
from jingwang.store.db import display_url, init_store, session_scope
from jingwang.store.errors import StoreError
from jingwang.store.repository import find_indicators, indicator_profile, store_counts


@app.command()
def init(ctx: typer.Context, version: VersionOpt = False) -> None:
    """Create the knowledge store, or migrate it to this version's schema."""
    url = db_url(ctx)
    try:
        revision = init_store(url)
    except StoreError as exc:
        fail(str(exc))
    out.print(f"knowledge store ready at {display_url(url)} (schema {revision})")


@app.command()
def stats(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    version: VersionOpt = False,
) -> None:
    """Count what the knowledge store holds, table by table."""
    engine = open_engine(ctx)
    with session_scope(engine) as session:
        counts = store_counts(session)
    if as_json:
        out.print_json(json.dumps(counts))
        return
    table = Table(title=f"knowledge store {display_url(db_url(ctx))}")
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, n in counts.items():
        table.add_row(name, f"{n:,}")
    out.print(table)


@app.command()
def extract(
    file: FileArg = "-",
    field: FieldOpt = "text",
    id_field: IdFieldOpt = "id",
    time_field: TimeFieldOpt = "time",
    fmt: FormatOpt = "auto",
    max_line_bytes: MaxLineOpt = DEFAULT_MAX_LINE_BYTES,
    kind: Annotated[list[str] | None, typer.Option(
        "--kind", help=f"Only these kinds (repeatable): {', '.join(KINDS)}.")] = None,
    as_table: Annotated[bool, typer.Option(
        "--table", help="Print a table for people instead of JSON lines.")] = False,
    version: VersionOpt = False,
) -> None:
    """Print the indicators in each input line as one JSON object per line."""
    check_read_options(fmt, max_line_bytes)
    if kind:
        unknown = sorted(set(kind) - set(KINDS))
        if unknown:
            fail(f"unknown kind {', '.join(unknown)}; known: {', '.join(KINDS)}", 2)
    st = ReadStats()
    write = sys.stdout.write
    table = Table("record", "kind", "value", "as written")
    try:
        for record in read_text_records(file, text_field=field, id_field=id_field,
                                        time_field=time_field, fmt=fmt,
                                        max_line_bytes=max_line_bytes, stats=st):
            found = extract_indicators(record.text, kinds=kind)
            if as_table:
                for e in found:
                    table.add_row(record.record_id, e.kind, e.value, e.raw)
                continue
            write(json.dumps({"id": record.id, "indicators": [e.to_dict() for e in found]},
                             ensure_ascii=False) + "\n")
    except InputError as exc:
        sys.stdout.flush()
        fail(str(exc))
    except BrokenPipeError:  # `jingwang extract … | head`
        sys.stderr.close()
        raise typer.Exit(0) from None
    if as_table:
        table.caption = f"{st.records} records, {table.row_count} indicators"
        out.print(table)
    report_skips(file, st)


@app.command()
def classify(
    file: FileArg = "-",
    field: FieldOpt = "text",
    id_field: IdFieldOpt = "id",
    time_field: TimeFieldOpt = "time",
    fmt: FormatOpt = "auto",
    max_line_bytes: MaxLineOpt = DEFAULT_MAX_LINE_BYTES,
    layers: Annotated[str, typer.Option(
        "--layers", help="lexicon, fast (the default) or encoder (needs jingwang[encoder]).")]
        = "fast",
    version: VersionOpt = False,
) -> None:
    """Classify each input text into the 净网 categories: one JSON object per line, in order —
    {"id", "categories": [{"category", "score", "explanation"}], "urgency", "indicators"}; an
    empty category list means benign."""
    from jingwang.content.kb import load_kb

    check_read_options(fmt, max_line_bytes)
    st = ReadStats()
    kb = load_kb()
    write = sys.stdout.write
    try:
        records = read_text_records(file, text_field=field, id_field=id_field,
                                    time_field=time_field, fmt=fmt,
                                    max_line_bytes=max_line_bytes, stats=st)
        pending: list = []
        for record in records:
            pending.append(record)
            if len(pending) == 256:
                _write_classified(write, pending, kb, layers)
                pending = []
        _write_classified(write, pending, kb, layers)
    except InputError as exc:
        sys.stdout.flush()
        fail(str(exc))
    except BrokenPipeError:  # `jingwang classify … | head`
        sys.stderr.close()
        raise typer.Exit(0) from None
    report_skips(file, st)


def _write_classified(write, records: list, kb, layers: str) -> None:
    from jingwang.content import classify_many

    try:
        results = classify_many([r.text for r in records], kb, layers=layers)
        for record, result in zip(records, results, strict=True):
            write(json.dumps(result.to_dict(record.record_id), ensure_ascii=False) + "\n")
    except ValueError as exc:  # the encoder layer without its extra
        fail(str(exc), 2)


@ingest_app.command("text")
def ingest_text_cmd(
    ctx: typer.Context,
    file: FileArg,
    source: Annotated[str, typer.Option("--source", help="Name of the source (platform, feed).")],
    field: FieldOpt = "text",
    id_field: IdFieldOpt = "id",
    time_field: TimeFieldOpt = "time",
    fmt: FormatOpt = "auto",
    max_line_bytes: MaxLineOpt = DEFAULT_MAX_LINE_BYTES,
    version: VersionOpt = False,
) -> None:
    """Extract indicators from text records and store them as sightings (idempotent)."""
    check_read_options(fmt, max_line_bytes)
    if not source.strip():
        fail("--source must name the source (a platform, a feed, a case file)", 2)
    engine = open_engine(ctx)
    st = ReadStats()
    progress = progress_bar("ingesting")
    try:
        with progress, session_scope(engine) as session:
            task = progress.add_task(file, total=None)
            records = read_text_records(file, text_field=field, id_field=id_field,
                                        time_field=time_field, fmt=fmt,
                                        max_line_bytes=max_line_bytes, stats=st)
            report = ingest_text(session, records, source,
                                 progress=lambda n: progress.advance(task, n))
    except InputError as exc:
        fail(f"{exc} — nothing from this file was stored")
    except StoreError as exc:
        fail(str(exc))
    report_skips(file, st)
    out.print(
        f"{file}: {report.records:,} records, {report.extracted:,} indicators found "
        f"({report.distinct_indicators:,} distinct), {report.new_sightings:,} new sightings "
        f"stored under source '{source}'"
    )


@app.command()
def search(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="A phone, card, account, handle, domain, URL …")],
    kind: Annotated[str | None, typer.Option("--kind", help="Read the query as this kind.")] = None,
    limit: Annotated[int, typer.Option("--limit", help="Sightings shown per indicator.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    version: VersionOpt = False,
) -> None:
    """Show what the knowledge store knows about an indicator, written in any form."""
    if kind is not None and kind not in KINDS:
        fail(f"unknown kind {kind}; known: {', '.join(KINDS)}", 2)
    candidates = query_candidates(query, kind)
    if not candidates:
        fail(f"{query!r} is not a valid indicator of any kind"
             + (f" ({kind})" if kind else ""), 2)
    engine = open_engine(ctx)
    with session_scope(engine) as session:
        indicators = find_indicators(session, candidates)
        profiles = [indicator_profile(session, ind.id, limit=limit) for ind in indicators]
        results = [_profile_dict(p) for p in profiles]
    if as_json:
        out.print_json(json.dumps({"query": query, "candidates": [list(c) for c in candidates],
                                   "results": results}, ensure_ascii=False, default=str))
        return
    read_as = ", ".join(f"{k} {v}" for k, v in candidates)
    if not results:
        out.print(f"nothing known about {query!r} (read as: {read_as})")
        raise typer.Exit(1)
    for r in results:
        _print_profile(r)


def _profile_dict(p) -> dict[str, object]:
    ind = p.indicator
    return {
        "kind": ind.kind,
        "value": ind.value,
        "first_seen": ind.first_seen,
        "last_seen": ind.last_seen,
        "sightings": p.sighting_count,
        "sources": p.sources,
        "recent": [{"source": s.source, "record_id": s.record_id, "raw": s.raw,
                    "context": s.context, "seen_at": s.seen_at} for s in p.recent_sightings],
        "findings": [{"id": f.id, "category": f.category, "score": f.score,
                      "explanation": f.explanation} for f in p.findings],
        "cases": [{"case_no": c.case_no, "category": c.category} for c in p.cases],
        "gangs": [{"key": g.gang.key, "role": g.role} for g in p.gangs],
        "clues": [{"id": c.id, "status": c.status} for c in p.clues],
    }


def _print_profile(r: dict) -> None:
    label = KIND_LABELS_ZH.get(str(r["kind"]), str(r["kind"]))
    out.print(Text.assemble((f"{r['kind']} {r['value']}", "bold"), f" ({label})"))
    sources = ", ".join(f"{s} ×{n}" for s, n in r["sources"].items())
    n = r["sightings"]
    out.print(f"  {n} sighting{'s' if n != 1 else ''} in {sources}; "
              f"first seen {r['first_seen']:%Y-%m-%d %H:%M} UTC, "
              f"last seen {r['last_seen']:%Y-%m-%d %H:%M} UTC")
    table = Table(show_edge=False, pad_edge=False)
    for col in ("source", "record", "as written", "context"):
        table.add_column(col, overflow="fold")
    for s in r["recent"]:
        table.add_row(s["source"], s["record_id"], s["raw"], s["context"])
    out.print(table)
    for key in ("findings", "cases", "gangs", "clues"):
        if r[key]:
            out.print(f"  {key}: {json.dumps(r[key], ensure_ascii=False, default=str)}")


# The other commands (import, hits, link, gang, scan, simulate, demo, evaluate) register
# themselves on the same app.
import jingwang.cli_api  # noqa: E402
import jingwang.cli_cases  # noqa: E402
import jingwang.cli_clues  # noqa: E402
import jingwang.cli_content  # noqa: E402
import jingwang.cli_link  # noqa: E402
import jingwang.cli_payments  # noqa: E402
import jingwang.cli_traffic  # noqa: E402
import jingwang.cli_world  # noqa: E402, F401


def run() -> None:
    """Entry point that turns a closed stdout into a quiet exit."""
    app()


if __name__ == "__main__":  # pragma: no cover
    run()
