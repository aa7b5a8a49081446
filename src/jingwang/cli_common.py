"""What every `jingwang` sub-command shares: the Typer app, the two consoles, failing cleanly,
the --db and --version options."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from jingwang import __version__
from jingwang.ingest.records import FORMATS, ReadStats
from jingwang.linking.exclusions import (
    ExclusionFileError,
    ExclusionList,
    default_exclusions,
    load_exclusions,
)
from jingwang.store.db import open_store, resolve_db_url
from jingwang.store.errors import StoreError

app = typer.Typer(
    name="jingwang",
    help="净网 jingwang: find the crime in online signals, link it, and route clues.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
ingest_app = typer.Typer(help="Store records from a source in the knowledge store.",
                         no_args_is_help=True)
app.add_typer(ingest_app, name="ingest")

# Markup off: what we print is evidence text, and "[/img]" in a forum post must print as written.
# In a pipe Rich assumes 80 columns; our tables (and the README's copies of them) want more.
out = Console(highlight=False, soft_wrap=True, markup=False,
              width=None if sys.stdout.isatty() else 120)
err = Console(stderr=True, highlight=False, soft_wrap=True, markup=False,
              width=None if sys.stderr.isatty() else 120)


def fail(message: str, code: int = 1) -> NoReturn:
    """End the command with one clear line on stderr."""
    err.print(Text.assemble(("error:", "bold red"), " ", message))
    raise typer.Exit(code)


def _version(value: bool) -> None:
    if value:
        out.print(f"jingwang {__version__}")
        raise typer.Exit()


VersionOpt = Annotated[bool, typer.Option(
    "--version", callback=_version, is_eager=True, help="Show the version and exit.")]


@app.callback()
def main(
    ctx: typer.Context,
    db: Annotated[str | None, typer.Option(
        "--db", envvar="JINGWANG_DB", metavar="URL",
        help="Knowledge store: SQLAlchemy URL or SQLite path "
             "(default: a SQLite file in the user's data dir).")] = None,
    version: VersionOpt = False,
) -> None:
    """净网 jingwang: find the crime in online signals, link it, and route clues."""
    ctx.obj = {"db": db}


def db_url(ctx: typer.Context) -> str:
    return resolve_db_url((ctx.obj or {}).get("db"))


def open_engine(ctx: typer.Context):
    try:
        return open_store(db_url(ctx))
    except StoreError as exc:
        fail(str(exc))


def progress_bar(verb: str) -> Progress:
    """A Rich progress bar on stderr when it is a terminal; silent in pipes."""
    return Progress(TextColumn(verb + " {task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=err, transient=True,
                    disable=not err.is_terminal)


def exclusions_option(path: Path | None, max_records: int | None) -> ExclusionList:
    """The exclusion list `--exclusions FILE` and `--max-records N` ask for (`hits`, `link`):
    the shipped list plus the file; a cap the user names is the cap."""
    try:
        exclusions = load_exclusions(path) if path is not None else default_exclusions()
    except ExclusionFileError as exc:
        fail(str(exc), 2)
    except OSError as exc:
        fail(f"{path}: {exc.strerror or exc}", 2)
    if max_records is not None:
        if max_records < 1:
            fail("--max-records must be at least 1", 2)
        exclusions.max_records = max_records
        exclusions.max_share = 0.0
    return exclusions


FileArg = Annotated[str, typer.Argument(help="Input file (plain lines or JSONL); '-' for stdin.")]
FieldOpt = Annotated[str, typer.Option("--field", help="JSONL field holding the text.")]
IdFieldOpt = Annotated[str, typer.Option("--id-field", help="JSONL field holding the record id.")]
FormatOpt = Annotated[str, typer.Option(
    "--format", help="auto, lines, jsonl or csv (auto: csv for *.csv, JSONL when the first "
                     "line is an object, else lines).")]
TimeFieldOpt = Annotated[str, typer.Option(
    "--time-field", help="JSONL field or CSV column holding the record's time.")]
MaxLineOpt = Annotated[int, typer.Option(
    "--max-line-bytes", help="Skip (and count) lines longer than this.")]


def check_read_options(fmt: str, max_line_bytes: int) -> None:
    if fmt not in FORMATS:
        fail(f"unknown --format {fmt!r}; choose {', '.join(FORMATS)}", 2)
    if max_line_bytes < 1:
        fail("--max-line-bytes must be at least 1", 2)


def report_skips(name: str, st: ReadStats) -> None:
    for row, size in st.too_long[:5]:
        err.print(f"skipped {name}:{row}: line of {size:,} bytes is over --max-line-bytes")
    if len(st.too_long) > 5:
        err.print(f"skipped {len(st.too_long) - 5} more over-long lines")
