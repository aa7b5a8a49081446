"""`jingwang units`, `jingwang clues` and `jingwang campaign`: the unit tree, clues from making
to outcome, and the campaign's figures.

Thin: :mod:`jingwang.clues` does the work. Importing this module registers the commands.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwang.categories import CATEGORIES, CLUE_ACTIONS, CLUE_STATUSES, UNIT_LEVELS, URGENCIES
from jingwang.cli_common import VersionOpt, app, fail, open_engine, out
from jingwang.clues.lifecycle import (
    Outcome,
    escalate_overdue,
    forward,
    overdue_clues,
    parse_amount,
    record_outcome,
    transition,
)
from jingwang.clues.make import make_clues, open_clue
from jingwang.clues.rules import DEFAULT_RULES_TOML, ClueRules, RulesError, load_rules
from jingwang.clues.stats import GROUPINGS, CampaignStats, campaign_stats
from jingwang.clues.units import UNIT_FORMATS, export_unit_rows, import_units
from jingwang.ingest.records import InputError
from jingwang.store.db import session_scope
from jingwang.store.directory import record_audit
from jingwang.store.errors import StoreError
from jingwang.store.models import Clue, Unit
from jingwang.store.timeutil import utcnow

units_app = typer.Typer(help="Police units: the tree 部 → 省 → 市 → 县 clues are routed to.",
                        no_args_is_help=True)
clues_app = typer.Typer(help="Clues (线索): make, route, push, follow to the outcome.",
                        no_args_is_help=True)
app.add_typer(units_app, name="units")
app.add_typer(clues_app, name="clues")

RulesOpt = Annotated[Path | None, typer.Option(
    "--rules", envvar="JINGWANG_CLUE_RULES", metavar="FILE",
    help="Clue rules and deadlines (TOML; default: the shipped ones, `jingwang clues rules`).")]
ActorOpt = Annotated[str, typer.Option("--actor", help="Who does it (a user name).")]
NoteOpt = Annotated[str | None, typer.Option("--note", help="Why, or what was found.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
ClueArg = Annotated[int, typer.Argument(help="The clue's id.")]


def _rules(path: Path | None) -> ClueRules:
    try:
        return load_rules(path)
    except RulesError as exc:
        fail(str(exc), 2)


@contextmanager
def _ip_reader(needed: bool = True) -> Iterator[Any]:
    """The IP database $JINGWANG_GEOIP_DB names (None when unset), closed afterwards."""
    if not needed:
        yield None
        return
    from jingwang.regions import IpLocator

    try:
        reader = IpLocator.from_env()
    except (OSError, ValueError, ImportError) as exc:
        fail(f"cannot open the IP database: {exc}", 2)
    try:
        yield reader
    finally:
        if reader is not None:
            reader.close()


def _time(value: str | None, option: str) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        fail(f"{option} {value!r} is not an ISO date or time (2024-08-01 or "
             "2024-08-01T09:30+08:00)", 2)
    if parsed.tzinfo is None:  # a bare date or time is read as Beijing time
        from jingwang.clues.stats import CHINA_TIME

        parsed = parsed.replace(tzinfo=CHINA_TIME)
    return parsed


def _audit(session: Session, actor: str, action: str, clue_id: int | None,
           **detail: Any) -> None:
    """Changes made from the shell go on the audit trail too, in the same transaction."""
    record_audit(session, actor, action, "clue", clue_id, {**detail, "via": "cli"})


def _when(value: datetime | None) -> str:
    return f"{value:%Y-%m-%d %H:%M} UTC" if value is not None else "-"


# --- units ------------------------------------------------------------------------------------

@units_app.command("import")
def units_import(
    ctx: typer.Context,
    file: Annotated[str, typer.Argument(help="CSV or JSONL of units: code, name, region_code, "
                                             "level, parent_code.")],
    fmt: Annotated[str, typer.Option("--format", help="auto, csv or jsonl.")] = "auto",
    version: VersionOpt = False,
) -> None:
    """Import a unit tree (parents may come after children); a bad row stores nothing, and
    importing the same file again changes nothing."""
    if fmt not in UNIT_FORMATS:
        fail(f"unknown --format {fmt!r}; choose {', '.join(UNIT_FORMATS)}", 2)
    engine = open_engine(ctx)
    try:
        with session_scope(engine) as session:
            report = import_units(session, file, fmt)
            record_audit(session, "cli", "unit.import", "unit", None,
                         {"file": file, "created": report.created, "updated": report.updated})
    except InputError as exc:
        fail(f"{exc} — nothing from this file was stored")
    except StoreError as exc:
        fail(str(exc))
    out.print(f"{file}: {report.rows} units ({report.created} new, {report.updated} updated, "
              f"{report.unchanged} unchanged)")


@units_app.command("list")
def units_list(ctx: typer.Context, as_json: JsonOpt = False, version: VersionOpt = False) -> None:
    """List the units, parents first, with their open clues."""
    engine = open_engine(ctx)
    with session_scope(engine) as session:
        rows = export_unit_rows(session)
        open_counts: dict[str, int] = {}
        for code, status in session.execute(select(Unit.code, Clue.status)
                                            .join(Clue, Clue.unit_id == Unit.id)):
            if status not in ("closed", "rejected"):
                open_counts[code] = open_counts.get(code, 0) + 1
    if as_json:
        out.print_json(json.dumps(rows, ensure_ascii=False))
        return
    table = Table(title=f"{len(rows)} units")
    for col in ("code", "name", "level", "region", "parent", "open clues"):
        table.add_column(col)
    for r in rows:
        table.add_row(r["code"], r["name"], f"{r['level']} {UNIT_LEVELS[r['level']]}",
                      r["region_code"], r["parent_code"], str(open_counts.get(r["code"], 0)))
    out.print(table)


# --- clues: making ------------------------------------------------------------------------------

@clues_app.command("rules")
def clues_rules(rules: RulesOpt = None, version: VersionOpt = False) -> None:
    """Print the shipped rules file (to copy and edit), or check and summarise --rules FILE."""
    if rules is None:
        print(DEFAULT_RULES_TOML, end="")
        return
    loaded = _rules(rules)
    for r in loaded.rules:
        cats = ", ".join(sorted(r.categories)) or "any category"
        extra = f", ≥ {r.min_cases} cases" if r.min_cases else ""
        out.print(f"{r.name}: {r.source} ({cats}), score ≥ {r.min_score:g}{extra} → "
                  f"{r.urgency}{', pushed at once' if r.push else ''}")
    for step, table in (("receive", loaded.deadlines.receive),
                        ("verify", loaded.deadlines.verify)):
        out.print(f"{step} within: " + ", ".join(f"{u} {w}" for u, w in table.items()))


@clues_app.command("make")
def clues_make(ctx: typer.Context, rules: RulesOpt = None, version: VersionOpt = False) -> None:
    """Make clues from the findings, gangs and cases the rules pick (none twice), route each
    to its unit with the reason, and push those the rules say to push."""
    loaded = _rules(rules)
    engine = open_engine(ctx)
    try:
        with _ip_reader() as ip_reader, session_scope(engine) as session:
            report = make_clues(session, loaded, now=utcnow(), ip_reader=ip_reader)
            _audit(session, "system", "clue.make", None, created=len(report.created),
                   pushed=report.pushed)
    except StoreError as exc:
        fail(str(exc))
    by_rule = ", ".join(f"{n} by {rule}" for rule, n in report.by_rule.most_common())
    out.print(f"{len(report.created)} new clues ({by_rule or 'no rule matched anything new'}); "
              f"{report.pushed} pushed at once, {report.unrouted} left unrouted; "
              f"{report.already} already had a clue"
              + (f"; {report.no_category} gangs without a category passed over"
                 if report.no_category else ""))


@clues_app.command("new")
def clues_new(
    ctx: typer.Context,
    title: Annotated[str, typer.Option("--title", help="What the unit must act on.")],
    category: Annotated[str, typer.Option("--category", help="Category code.")],
    actor: ActorOpt,
    urgency: Annotated[str, typer.Option("--urgency", help="immediate, urgent or normal.")]
        = "normal",
    finding: Annotated[int | None, typer.Option("--finding", help="From this finding id.")]
        = None,
    gang: Annotated[str | None, typer.Option("--gang", help="From this gang key.")] = None,
    case: Annotated[str | None, typer.Option("--case", help="From this case number.")] = None,
    unit: Annotated[str | None, typer.Option(
        "--unit", help="Send it to this unit code (default: route by its evidence).")] = None,
    description: Annotated[str | None, typer.Option("--description", help="Details.")] = None,
    note: NoteOpt = None,
    as_json: JsonOpt = False,
    version: VersionOpt = False,
) -> None:
    """An analyst's clue, from a finding, gang or case or from nothing, routed by its
    evidence unless --unit says where."""
    if category not in CATEGORIES:
        fail(f"unknown --category {category!r}; known: {', '.join(CATEGORIES)}", 2)
    if urgency not in URGENCIES:
        fail(f"unknown --urgency {urgency!r}; choose {', '.join(URGENCIES)}", 2)
    engine = open_engine(ctx)
    try:
        with _ip_reader(unit is None) as ip_reader, session_scope(engine) as session:
            clue, _ = open_clue(session, title, category, actor, urgency=urgency,
                                finding=finding, gang=gang, case=case, unit=unit,
                                description=description, note=note, now=utcnow(),
                                ip_reader=ip_reader)
            _audit(session, actor, "clue.create", clue.id, unit=clue.unit.code
                   if clue.unit else None, routing_reason=clue.routing_reason)
            shown = _clue_dict(session, clue)
    except (StoreError, ValueError) as exc:
        fail(str(exc))
    if as_json:
        out.print_json(json.dumps(shown, ensure_ascii=False))
        return
    out.print(f"clue {shown['id']} made: {shown['routing_reason']}")


# --- clues: reading -----------------------------------------------------------------------------

def _clue_dict(session: Session, clue: Clue, events: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": clue.id, "title": clue.title, "category": clue.category,
        "urgency": clue.urgency, "status": clue.status,
        "unit": clue.unit.code if clue.unit else None,
        "unit_name": clue.unit.name if clue.unit else None,
        "routing_reason": clue.routing_reason,
        "deadline_at": clue.deadline_at.isoformat() if clue.deadline_at else None,
        "finding_id": clue.finding_id, "gang": clue.gang.key if clue.gang else None,
        "case": clue.case.case_no if clue.case else None,
        "suspects_caught": clue.suspects_caught, "money_frozen": str(clue.money_frozen),
        "cases_solved": clue.cases_solved,
        "created_at": clue.created_at.isoformat() if clue.created_at else None,
    }
    if events:
        data["description"] = clue.description
        data["events"] = [{
            "at": e.at.isoformat(), "actor": e.actor, "action": e.action,
            "from_status": e.from_status, "to_status": e.to_status,
            "unit": e.unit.code if e.unit else None, "note": e.note,
            "suspects_caught": e.suspects_caught,
            "money_frozen": None if e.money_frozen is None else str(e.money_frozen),
            "cases_solved": e.cases_solved} for e in clue.events]
    return data


@clues_app.command("list")
def clues_list(
    ctx: typer.Context,
    unit: Annotated[str | None, typer.Option("--unit", help="Only this unit's clues.")] = None,
    status: Annotated[str | None, typer.Option("--status", help="Only clues in this status.")]
        = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only clues past a deadline.")]
        = False,
    limit: Annotated[int, typer.Option("--limit", help="At most this many.")] = 100,
    as_json: JsonOpt = False,
    version: VersionOpt = False,
) -> None:
    """List clues, newest first."""
    if status is not None and status not in CLUE_STATUSES:
        fail(f"unknown --status {status!r}; choose {', '.join(CLUE_STATUSES)}", 2)
    engine = open_engine(ctx)
    with session_scope(engine) as session:
        if overdue:
            clues = overdue_clues(session, utcnow())
        else:
            query = select(Clue).order_by(Clue.id.desc())
            if status is not None:
                query = query.where(Clue.status == status)
            clues = list(session.scalars(query))
        if unit is not None:
            if session.scalars(select(Unit.id).where(Unit.code == unit)).first() is None:
                fail(f"no unit {unit!r}")
            clues = [c for c in clues if c.unit is not None and c.unit.code == unit]
        if status is not None:
            clues = [c for c in clues if c.status == status]
        rows = [_clue_dict(session, c) for c in clues[:max(limit, 0)]]
    if as_json:
        out.print_json(json.dumps(rows, ensure_ascii=False))
        return
    table = Table(title=f"{len(rows)} clues" + (f" of {len(clues)}" if len(clues) > len(rows)
                                                 else ""))
    for col in ("id", "urgency", "status", "category", "unit", "deadline", "title"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(str(r["id"]), r["urgency"], r["status"], r["category"], r["unit"] or "-",
                      (r["deadline_at"] or "-")[:16].replace("T", " "), r["title"])
    out.print(table)


@clues_app.command("show")
def clues_show(ctx: typer.Context, clue_id: ClueArg, as_json: JsonOpt = False,
               version: VersionOpt = False) -> None:
    """Show a clue: where it came from, why it went to its unit, and every event."""
    engine = open_engine(ctx)
    with session_scope(engine) as session:
        clue = session.get(Clue, clue_id)
        if clue is None:
            fail(f"no clue with id {clue_id}")
        data = _clue_dict(session, clue, events=True)
    if as_json:
        out.print_json(json.dumps(data, ensure_ascii=False))
        return
    source = ", ".join(f"{k} {data[k]}" for k in ("finding_id", "gang", "case") if data[k])
    out.print(f"clue {data['id']}: {data['title']}\n  {data['category']} "
              f"{CATEGORIES[data['category']]}, {data['urgency']} {URGENCIES[data['urgency']]}, "
              f"{data['status']} {CLUE_STATUSES[data['status']]}"
              f"{', due ' + data['deadline_at'] if data['deadline_at'] else ''}\n"
              f"  unit: {data['unit_name'] or 'none'} ({data['unit'] or '-'})\n"
              f"  routing: {data['routing_reason'] or '-'}\n"
              f"  from: {source or 'an analyst'}\n"
              f"  outcome: {data['suspects_caught']} suspects caught, "
              f"{data['money_frozen']} frozen, {data['cases_solved']} cases solved")
    table = Table(title="events")
    for col in ("at (UTC)", "actor", "what", "unit", "note"):
        table.add_column(col, overflow="fold")
    for e in data["events"]:
        what = (f"{e['from_status'] or '∅'} → {e['to_status']}" if e["action"] == "status"
                else f"{e['action']} {CLUE_ACTIONS[e['action']]}")
        table.add_row(e["at"][:16].replace("T", " "), e["actor"], what, e["unit"] or "-",
                      e["note"] or "")
    out.print(table)


# --- clues: working ------------------------------------------------------------------------------

def _outcome(suspects: int | None, frozen: str | None, solved: int | None) -> Outcome:
    try:
        return Outcome(suspects_caught=suspects,
                       money_frozen=None if frozen is None else parse_amount(frozen),
                       cases_solved=solved)
    except ValueError as exc:
        fail(str(exc), 2)


SuspectsOpt = Annotated[int | None, typer.Option(
    "--suspects", help="Suspects caught so far (a total, replacing the last report).")]
FrozenOpt = Annotated[str | None, typer.Option(
    "--frozen", help="Money frozen so far, in yuan: 5800000 or 580万.")]
SolvedOpt = Annotated[int | None, typer.Option("--solved", help="Cases solved so far.")]


def _move(ctx: typer.Context, clue_id: int, to_status: str, actor: str, note: str | None,
          outcome: Outcome, rules: Path | None) -> None:
    deadlines = _rules(rules).deadlines
    engine = open_engine(ctx)
    try:
        with session_scope(engine) as session:
            event = transition(session, clue_id, to_status, actor, now=utcnow(), note=note,
                               outcome=outcome, deadlines=deadlines)
            _audit(session, actor, f"clue.{to_status}", clue_id, note=note)
            clue = event.clue
            unit = f" at {clue.unit.name} ({clue.unit.code})" if clue.unit else ""
            due = f"; due {_when(clue.deadline_at)}" if clue.deadline_at else ""
    except (StoreError, ValueError) as exc:
        fail(str(exc))
    out.print(f"clue {clue_id}: {event.from_status} → {to_status}{unit}{due}")


def _status_command(to_status: str, doc: str) -> None:
    def command(
        ctx: typer.Context,
        clue_id: ClueArg,
        actor: ActorOpt,
        note: NoteOpt = None,
        suspects: SuspectsOpt = None,
        frozen: FrozenOpt = None,
        solved: SolvedOpt = None,
        rules: RulesOpt = None,
        version: VersionOpt = False,
    ) -> None:
        _move(ctx, clue_id, to_status, actor, note, _outcome(suspects, frozen, solved), rules)

    command.__doc__ = doc
    name = "file" if to_status == "case_filed" else {"pushed": "push", "received": "receive",
                                                      "verified": "verify", "closed": "close",
                                                      "rejected": "reject"}[to_status]
    clues_app.command(name)(command)


_status_command("pushed", "Push the clue to its unit (new → pushed); the receive deadline "
                "starts.")
_status_command("received", "The unit signs for the clue (pushed → received).")
_status_command("verified", "The unit checked the clue and found it true (received → "
                "verified).")
_status_command("case_filed", "A case is filed on the clue (verified → case_filed).")
_status_command("closed", "The work is done (case_filed → closed); give the outcome.")
_status_command("rejected", "Send the clue back as unfounded; say why with --note.")


@clues_app.command("outcome")
def clues_outcome(
    ctx: typer.Context,
    clue_id: ClueArg,
    actor: ActorOpt,
    suspects: SuspectsOpt = None,
    frozen: FrozenOpt = None,
    solved: SolvedOpt = None,
    note: NoteOpt = None,
    version: VersionOpt = False,
) -> None:
    """Report the outcome so far (suspects caught, money frozen, cases solved) without a
    change of status."""
    outcome = _outcome(suspects, frozen, solved)
    engine = open_engine(ctx)
    try:
        with session_scope(engine) as session:
            record_outcome(session, clue_id, actor, outcome, now=utcnow(), note=note)
            _audit(session, actor, "clue.outcome", clue_id, note=note)
    except (StoreError, ValueError) as exc:
        fail(str(exc))
    out.print(f"clue {clue_id}: outcome recorded")


@clues_app.command("forward")
def clues_forward(
    ctx: typer.Context,
    clue_id: ClueArg,
    to: Annotated[str, typer.Option("--to", help="The unit code to forward it to.")],
    actor: ActorOpt,
    note: NoteOpt = None,
    rules: RulesOpt = None,
    version: VersionOpt = False,
) -> None:
    """Forward (移交) a clue to another unit; a pushed clue's receive deadline restarts."""
    deadlines = _rules(rules).deadlines
    engine = open_engine(ctx)
    try:
        with session_scope(engine) as session:
            event = forward(session, clue_id, to, actor, note, now=utcnow(),
                            deadlines=deadlines)
            _audit(session, actor, "clue.forward", clue_id, to=to, note=note)
            said = event.note
    except (StoreError, ValueError) as exc:
        fail(str(exc))
    out.print(f"clue {clue_id}: {said}")


@clues_app.command("escalate")
def clues_escalate(
    ctx: typer.Context,
    at: Annotated[str | None, typer.Option(
        "--at", help="Check deadlines as of this time (ISO; default now).")] = None,
    rules: RulesOpt = None,
    version: VersionOpt = False,
) -> None:
    """Move every pushed clue not received by its deadline up to the parent unit."""
    deadlines = _rules(rules).deadlines
    now = _time(at, "--at") or utcnow()
    engine = open_engine(ctx)
    with session_scope(engine) as session:
        report = escalate_overdue(session, now, deadlines=deadlines)
        for e in report.escalated:
            _audit(session, "system", "clue.escalate", e.clue_id, to=e.to_unit)
    for e in report.escalated:
        out.print(f"clue {e.clue_id}: due {_when(e.missed)}, escalated {e.from_unit} → "
                  f"{e.to_unit}")
    out.print(f"{len(report.escalated)} clues escalated"
              + (f"; {len(report.at_top)} overdue at the top unit: "
                 + ", ".join(map(str, report.at_top)) if report.at_top else ""))


# --- campaign ------------------------------------------------------------------------------------

def _money(amount: Decimal) -> str:
    return f"{amount:,.2f}"


_STATS_COLUMNS = (("pushed", "pushed"), ("received", "received"), ("verified", "verified"),
                  ("case_filed", "filed"), ("closed", "closed"), ("rejected", "rejected"),
                  ("suspects_caught", "suspects"), ("money_frozen", "frozen ¥"),
                  ("cases_solved", "solved"))


def _print_stats(stats: CampaignStats) -> None:
    """The figures as the reports give them (--json has every count, codes and names)."""
    table = Table(title="campaign figures by " + " × ".join(stats.by))
    for grouping in stats.by:
        table.add_column(grouping, overflow="fold")
    for _, header in _STATS_COLUMNS:
        table.add_column(header, justify="right")
    for row in [*stats.rows, stats.totals]:
        labels = list(row.label) if row.key else ["total"] + [""] * (len(stats.by) - 1)
        cells = [_money(row.money_frozen) if field == "money_frozen"
                 else f"{getattr(row, field):,}" for field, _ in _STATS_COLUMNS]
        table.add_row(*labels, *cells)
    out.print(table)


@app.command("campaign")
def campaign(
    ctx: typer.Context,
    by: Annotated[list[str] | None, typer.Option(
        "--by", help=f"Group by (repeatable for a cross table): {', '.join(GROUPINGS)}.")]
        = None,
    since: Annotated[str | None, typer.Option(
        "--since", help="Only events from this date or time (ISO; Beijing time if bare).")]
        = None,
    until: Annotated[str | None, typer.Option(
        "--until", help="Only events before this date or time.")] = None,
    as_json: JsonOpt = False,
    version: VersionOpt = False,
) -> None:
    """Campaign figures counted from the clue events: clues pushed, verified, cases filed,
    suspects caught, money frozen — by category, region, city, unit or month."""
    groupings = by or ["category"]
    unknown = [g for g in groupings if g not in GROUPINGS]
    if unknown:
        fail(f"unknown --by {unknown[0]!r}; choose {', '.join(GROUPINGS)}", 2)
    start, end = _time(since, "--since"), _time(until, "--until")
    engine = open_engine(ctx)
    with session_scope(engine) as session:
        stats = campaign_stats(session, groupings, since=start, until=end)
    if as_json:
        out.print_json(json.dumps(stats.as_dict(), ensure_ascii=False))
        return
    _print_stats(stats)

