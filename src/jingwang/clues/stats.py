"""Campaign statistics (专项行动战果) counted from the clue events, as the reports count them:
clues pushed, received, verified, cases filed, clues closed and rejected, suspects caught, money
frozen and cases solved — by category, region, unit and month, with totals.

Counting events, not current statuses, means a month's figures stay what they were when later
months move the same clues on, and a clue is counted for the unit that held it when each step
happened. Outcome figures are reported as running totals per clue; each report adds what it
raised the total by, in the month and at the unit of that report.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwang.categories import CATEGORIES
from jingwang.clues.units import MINISTRY_REGION, MUNICIPALITIES
from jingwang.store.models import Clue, ClueEvent, Unit
from jingwang.store.timeutil import as_utc

CHINA_TIME = timezone(timedelta(hours=8), "UTC+8")
"""Months are counted in Beijing time (a campaign's 月 is China's month)."""

GROUPINGS = ("category", "region", "city", "unit", "month")
"""What statistics can be grouped by: ``region`` is the unit's province, ``city`` its city."""

STEPS = ("pushed", "received", "verified", "case_filed", "closed", "rejected")
"""Status changes counted (each clue reaches each at most once)."""

FIGURES = ("suspects_caught", "money_frozen", "cases_solved")


@dataclass
class CampaignRow:
    """The figures of one group (or of all, for the totals)."""

    key: tuple[str, ...]
    label: tuple[str, ...]
    created: int = 0
    pushed: int = 0
    received: int = 0
    verified: int = 0
    case_filed: int = 0
    closed: int = 0
    rejected: int = 0
    forwarded: int = 0
    escalated: int = 0
    suspects_caught: int = 0
    money_frozen: Decimal = field(default_factory=lambda: Decimal("0.00"))
    cases_solved: int = 0

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["key"], data["label"] = list(self.key), list(self.label)
        data["money_frozen"] = str(self.money_frozen)
        return data


@dataclass
class CampaignStats:
    """Rows by the asked grouping (sorted by key) and the totals over all of them."""

    by: tuple[str, ...]
    rows: list[CampaignRow]
    totals: CampaignRow

    def as_dict(self) -> dict[str, Any]:
        return {"by": list(self.by), "rows": [r.as_dict() for r in self.rows],
                "totals": self.totals.as_dict()}


@dataclass(frozen=True)
class _Event:
    clue_id: int
    category: str
    action: str
    to_status: str
    at: datetime
    unit_id: int | None
    figures: tuple[Any, Any, Any]


class _Keys:
    """The key and label of an event under each grouping."""

    def __init__(self, units: dict[int, Unit], tz: timezone) -> None:
        self.units = units
        self.tz = tz
        self.regions: dict[tuple[str, str], tuple[str, str]] = {}

    def _region(self, grouping: str, code: str) -> tuple[str, str]:
        """The province (``region``) or city (``city``) a unit's region lies in, and its
        name; a province's own unit counts as its city too, the ministry as 全国."""
        from jingwang.regions import current_code, full_name, lineage

        cached = self.regions.get((grouping, code))
        if cached is None:
            chain = lineage(current_code(code) or code) if code != MINISTRY_REGION else []
            if not chain:
                cached = (code, full_name(code) or code)
            else:
                # 北京, 天津, 上海, 重庆 are cities themselves; a county-level city under a
                # province (仙桃) stands for its own city.
                top = grouping == "region" or chain[0][:2] in MUNICIPALITIES
                at = chain[0] if top else chain[min(1, len(chain) - 1)]
                cached = (at, full_name(at))
            self.regions[(grouping, code)] = cached
        return cached

    def __call__(self, grouping: str, event: _Event) -> tuple[str, str]:
        if grouping == "category":
            return event.category, CATEGORIES.get(event.category, event.category)
        if grouping == "month":
            month = f"{event.at.astimezone(self.tz):%Y-%m}"
            return month, month
        unit = self.units.get(event.unit_id) if event.unit_id is not None else None
        if unit is None:
            return "", "unrouted"
        if grouping == "unit":
            return unit.code, unit.name
        return self._region(grouping, unit.region_code)


def _events(session: Session) -> tuple[list[_Event], dict[int, tuple[int, Decimal, int]]]:
    """Every clue event in time order per clue (the unit falling back to the clue's own when
    the event has none), and each clue's stored outcome totals."""
    rows = session.execute(
        select(ClueEvent.clue_id, Clue.category, ClueEvent.action, ClueEvent.to_status,
               ClueEvent.at, ClueEvent.unit_id, Clue.unit_id, ClueEvent.suspects_caught,
               ClueEvent.money_frozen, ClueEvent.cases_solved)
        .join(Clue, Clue.id == ClueEvent.clue_id)
        .order_by(ClueEvent.clue_id, ClueEvent.at, ClueEvent.id))
    events = [_Event(r[0], r[1], r[2], r[3], r[4], r[5] if r[5] is not None else r[6],
                     (r[7], r[8], r[9])) for r in rows]
    totals = {i: (s, Decimal(m), c) for i, s, m, c in session.execute(
        select(Clue.id, Clue.suspects_caught, Clue.money_frozen, Clue.cases_solved))}
    return events, totals


def _add(row: CampaignRow, event: _Event, deltas: tuple[int, Decimal, int] | None) -> None:
    if event.action == "status":
        if event.to_status == "new":
            row.created += 1
        elif event.to_status in STEPS:
            setattr(row, event.to_status, getattr(row, event.to_status) + 1)
    elif event.action == "forward":
        row.forwarded += 1
    elif event.action == "escalate":
        row.escalated += 1
    if deltas is not None:
        row.suspects_caught += deltas[0]
        row.money_frozen += deltas[1]
        row.cases_solved += deltas[2]


def _outcome_deltas(events: list[_Event], stored: dict[int, tuple[int, Decimal, int]]
                    ) -> dict[int, tuple[int, Decimal, int]]:
    """Event index → how much it raised each outcome total. A clue whose stored totals are
    more than its events report (figures written without an event saying so) has the rest
    put on its last event, so the totals always match the clues."""
    deltas: dict[int, tuple[int, Decimal, int]] = {}
    last: dict[int, list[Any]] = {}
    last_index: dict[int, int] = {}
    for i, e in enumerate(events):
        running = last.setdefault(e.clue_id, [0, Decimal("0.00"), 0])
        last_index[e.clue_id] = i
        if all(f is None for f in e.figures):
            continue
        change = []
        for j, figure in enumerate(e.figures):
            if figure is None:
                change.append(0 if j != 1 else Decimal("0.00"))
                continue
            change.append(figure - running[j])
            running[j] = figure
        deltas[i] = (change[0], change[1], change[2])
    for clue_id, i in last_index.items():
        suspects, money, solved = stored.get(clue_id, (0, Decimal(0), 0))
        running = last[clue_id]
        rest = (suspects - running[0], money - running[1], solved - running[2])
        if any(rest):
            before = deltas.get(i, (0, Decimal("0.00"), 0))
            deltas[i] = (before[0] + rest[0], before[1] + rest[1], before[2] + rest[2])
    return deltas


def campaign_stats(
    session: Session,
    by: tuple[str, ...] | list[str] | str = ("category",),
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    tz: timezone = CHINA_TIME,
) -> CampaignStats:
    """The campaign's figures from the clue events at or after ``since`` and before
    ``until``, grouped by ``by`` (any of :data:`GROUPINGS`; several make a cross table)."""
    groupings = (by,) if isinstance(by, str) else tuple(by)
    unknown = [g for g in groupings if g not in GROUPINGS]
    if unknown:
        raise ValueError(f"cannot group by {unknown[0]!r}; choose from {', '.join(GROUPINGS)}")
    start = as_utc(since) if since is not None else None
    end = as_utc(until) if until is not None else None
    # Outcome deltas need every event of a clue, so the time window is applied afterwards.
    events, stored = _events(session)
    deltas = _outcome_deltas(events, stored)
    keys = _Keys({u.id: u for u in session.scalars(select(Unit))}, tz)
    rows: dict[tuple[str, ...], CampaignRow] = {}
    totals = CampaignRow(key=(), label=("total",))
    for i, event in enumerate(events):
        if (start is not None and event.at < start) or (end is not None and event.at >= end):
            continue
        pairs = [keys(g, event) for g in groupings]
        key = tuple(k for k, _ in pairs)
        row = rows.get(key)
        if row is None:
            row = rows[key] = CampaignRow(key=key, label=tuple(label for _, label in pairs))
        _add(row, event, deltas.get(i))
        _add(totals, event, deltas.get(i))
    return CampaignStats(groupings, [rows[k] for k in sorted(rows)], totals)

