"""`jingwang ingest posts` and `jingwang watch`: posts and chat classified into findings.

`ingest posts FILE` stores a file's sightings and content findings in one transaction.
`watch FILE --follow` (or `watch -`, reading stdin as it arrives) classifies each new line as
it is written, stores it, and prints every finding at once as a JSON line — an ``immediate``
one (a life at risk, with a time, place or target) within a second of the line's arrival.
"""

from __future__ import annotations

import io
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer

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
    err,
    fail,
    ingest_app,
    open_engine,
    out,
    report_skips,
)
from jingwang.ingest.records import (
    DEFAULT_MAX_LINE_BYTES,
    InputError,
    ReadStats,
    TextRecord,
    read_text_records,
)
from jingwang.store.db import session_scope
from jingwang.store.errors import StoreError

SourceOpt = Annotated[str, typer.Option("--source", help="Name of the source (platform, feed).")]
LayersOpt = Annotated[str, typer.Option(
    "--layers", help="lexicon (the knowledge base alone), fast (with the n-gram model) or "
                     "encoder (then the encoder; needs jingwang[encoder]).")]
POLL_SECONDS = 0.1


@ingest_app.command("posts")
def ingest_posts_cmd(
    ctx: typer.Context,
    file: FileArg,
    source: SourceOpt = "posts",
    field: FieldOpt = "text",
    id_field: IdFieldOpt = "id",
    time_field: TimeFieldOpt = "time",
    fmt: FormatOpt = "auto",
    max_line_bytes: MaxLineOpt = DEFAULT_MAX_LINE_BYTES,
    layers: LayersOpt = "fast",
    version: VersionOpt = False,
) -> None:
    """Store posts: their indicators as sightings and what the content classifier finds as
    findings (detector `content`), all or nothing; again adds nothing twice."""
    from jingwang.ingest.posts import ingest_posts

    check_read_options(fmt, max_line_bytes)
    engine = open_engine(ctx)
    st = ReadStats()
    try:
        records = list(read_text_records(file, text_field=field, id_field=id_field,
                                         time_field=time_field, fmt=fmt,
                                         max_line_bytes=max_line_bytes, stats=st))
        with session_scope(engine) as session:
            report = ingest_posts(session, records, source, layers=layers)
    except InputError as exc:
        fail(f"{exc} (nothing from this file was stored)")
    except (StoreError, ValueError) as exc:
        fail(str(exc))
    report_skips(file, st)
    cats = ", ".join(f"{k} {v}" for k, v in sorted(report.by_category.items(),
                                                   key=lambda kv: -kv[1])) or "none"
    out.print(f"{file}: {report.text.records:,} posts, {report.text.new_sightings:,} new "
              f"sightings, {report.findings:,} findings ({cats}); "
              f"{len(report.immediate)} immediate")


def _follow(path: str, from_start: bool) -> Iterator[tuple[int, str]]:
    """(line number, line) of a file as lines are appended to it, forever; says on stderr when
    it is watching (a line appended after that is read)."""
    with open(path, encoding="utf-8") as handle:
        if not from_start:
            handle.seek(0, io.SEEK_END)
        err.print(f"watching {path} for new lines (Ctrl-C stops)")
        row, pending = 0, ""
        while True:
            chunk = handle.readline()
            if not chunk:
                time.sleep(POLL_SECONDS)
                continue
            pending += chunk
            if pending.endswith("\n"):
                row += 1
                yield row, pending.rstrip("\r\n")
                pending = ""


def _stdin() -> Iterator[tuple[int, str]]:
    for row, line in enumerate(iter(sys.stdin.readline, ""), 1):
        yield row, line.rstrip("\r\n")


def _record(row: int, line: str, name: str, field: str, id_field: str) -> TextRecord | None:
    if not line.strip():
        return None
    if line.lstrip().startswith("{"):
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(name, row, f"invalid JSON ({exc.msg})") from exc
        text = item.get(field)
        if not isinstance(text, str):
            raise InputError(name, row, f"no text field {field!r}")
        rid = item.get(id_field)
        return TextRecord(str(rid) if rid is not None else None, text, row,
                          origin=Path(name).name)
    return TextRecord(None, line, row, origin=Path(name).name)


@app.command()
def watch(
    ctx: typer.Context,
    file: FileArg = "-",
    follow: Annotated[bool, typer.Option(
        "--follow", help="Keep reading lines appended to FILE (as tail -f).")] = False,
    from_start: Annotated[bool, typer.Option(
        "--from-start", help="With --follow, read the lines already in FILE first.")] = False,
    source: SourceOpt = "posts",
    field: FieldOpt = "text",
    id_field: IdFieldOpt = "id",
    layers: LayersOpt = "fast",
    store: Annotated[bool, typer.Option(
        "--store/--no-store", help="Store each post's sightings and findings.")] = True,
    version: VersionOpt = False,
) -> None:
    """Classify posts as they arrive; print each finding as a JSON line at once (immediate
    ones first in mind: a life at risk) and store it."""
    from jingwang.content import classify
    from jingwang.content.kb import load_kb
    from jingwang.content.model import load_model
    from jingwang.ingest.posts import store_post

    kb = load_kb()
    model = load_model() if layers in ("fast", "encoder") else None
    if layers not in ("lexicon", "fast", "encoder"):
        fail(f"unknown --layers {layers!r}; lexicon, fast or encoder", 2)
    if layers == "encoder":
        from jingwang.content.encoder import available
        if not available():
            fail("--layers encoder needs the encoder extra: pip install 'jingwang[encoder]'", 2)
    engine = open_engine(ctx) if store else None
    if file == "-":
        lines = _stdin()
    elif follow:
        lines = _follow(file, from_start)
    else:
        lines = enumerate(Path(file).read_text(encoding="utf-8").splitlines(), 1)
    name = "stdin" if file == "-" else file
    try:
        for row, line in lines:
            record = _record(row, line, name, field, id_field)
            if record is None:
                continue
            result = classify(record.text, kb, layers=layers, model=model)
            if result.categories:
                sys.stdout.write(json.dumps(result.to_dict(record.record_id),
                                            ensure_ascii=False) + "\n")
                sys.stdout.flush()
            if engine is not None:
                with session_scope(engine) as session:
                    store_post(session, record, result, source)
    except InputError as exc:
        fail(str(exc))
    except KeyboardInterrupt:
        err.print("stopped")
    except FileNotFoundError:
        fail(f"{file}: no such file")
