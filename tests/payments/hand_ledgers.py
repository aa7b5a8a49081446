"""Hand-built canonical ledgers for the payments tests (imported by the test modules beside it).

A row is (hours after `T0`, src, dst, amount[, channel[, currency]]); txn_id is `ids` formatted
with the row's index.  Missing channel and currency take the defaults."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pyarrow as pa

from jingwang.indicators.checksums import luhn_valid
from jingwang.payments import LEDGER_SCHEMA

T0 = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)      # a Monday
Row = tuple  # (hours after T0, src, dst, amount[, channel[, currency]])


def hand_ledger(rows: Sequence[Row], *, ids: str = "t{}", channel: str = "ACH",
                currency: str = "CNY", src_bank: Sequence[str | None] | None = None,
                dst_bank: Sequence[str | None] | None = None) -> pa.Table:
    """The rows as an Arrow table in `LEDGER_SCHEMA`, unlabelled."""
    n = len(rows)
    return pa.table({
        "txn_id": [ids.format(i) for i in range(n)],
        "ts": [T0 + dt.timedelta(hours=r[0]) for r in rows],
        "src": [r[1] for r in rows], "dst": [r[2] for r in rows],
        "amount": [float(r[3]) for r in rows],
        "currency": [r[5] if len(r) > 5 else currency for r in rows],
        "channel": [r[4] if len(r) > 4 else channel for r in rows],
        "src_bank": list(src_bank) if src_bank is not None else [None] * n,
        "dst_bank": list(dst_bank) if dst_bank is not None else [None] * n,
        "label": [None] * n,
    }, schema=LEDGER_SCHEMA)


def card(n: int) -> str:
    """A Luhn-valid 16-digit card on a real BIN (622848, Agricultural Bank of China)."""
    body = f"622848{n:09d}"
    return body + next(d for d in "0123456789" if luhn_valid(body + d))
