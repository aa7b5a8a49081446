"""Declared ledger layouts: which source column (or constant, or rule) gives each canonical column.

A `Layout` names its header columns (`columns` always present, `optional` ones may be) and, for
each canonical column of the ledger (txn_id, ts, src, dst, amount, currency, channel, src_bank,
dst_bank, label), where its value comes from:

- a column name (`"Account"`), or `Const(value)` for a value the layout implies (AMLSim has no
  currency column: `Const("USD")`); a column listed in `optional` and absent gives nulls;
- `txn_id=None`: the file has no id, and the row's id is `<file stem>:<row>`;
- `Time(column, format, tz)`: a time string read with a strptime `format` (None: ISO 8601), zone-
  less times being in zone `tz`; `Steps(column, epoch, unit)`: an integer step count after `epoch`;
- `Label(column, positive, negative)`: the laundering/SAR flag, its values compared without case;
  an empty value is "unknown" (null).

`detect_layout(columns)` picks the layout whose header set the file's header is, exactly.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

STEP_UNITS = {"s": 1, "m": 60, "h": 3600, "D": 86400}


@dataclass(frozen=True, slots=True)
class Const:
    """A value every row has (None: null)."""

    value: str | None


@dataclass(frozen=True, slots=True)
class Time:
    """A time column: strptime `format` (None: ISO 8601); zone-less times are in zone `tz`."""

    column: str
    format: str | None = None
    tz: str = "UTC"


@dataclass(frozen=True, slots=True)
class Steps:
    """An integer time column counting `unit`s ("s", "m", "h" or "D") after `epoch` (ISO, UTC)."""

    column: str
    epoch: str
    unit: str = "D"

    def __post_init__(self) -> None:
        if self.unit not in STEP_UNITS:
            raise ValueError(f"step unit {self.unit!r} is not one of {', '.join(STEP_UNITS)}")


@dataclass(frozen=True, slots=True)
class Label:
    """The laundering/SAR flag column: 1 for `positive` values, 0 for `negative`, null if empty."""

    column: str
    positive: tuple[str, ...] = ("1", "true", "t", "yes", "y")
    negative: tuple[str, ...] = ("0", "false", "f", "no", "n")


Source = str | Const


@dataclass(frozen=True, kw_only=True, slots=True)
class Layout:
    """How one ledger format maps onto the canonical ledger columns."""

    name: str
    columns: tuple[str, ...]
    optional: tuple[str, ...] = ()
    txn_id: str | None = None
    ts: Time | Steps
    src: str
    dst: str
    amount: str
    currency: Source
    channel: Source = field(default_factory=lambda: Const(None))
    src_bank: Source = field(default_factory=lambda: Const(None))
    dst_bank: Source = field(default_factory=lambda: Const(None))
    label: Label | None = None
    description: str = ""

    def fits(self, header: Iterable[str]) -> bool:
        """Whether `header` is exactly this layout's columns plus some of its optional ones."""
        return _fits(header, self.columns, self.optional)


@dataclass(frozen=True, kw_only=True, slots=True)
class AccountsLayout:
    """How an accounts table maps onto the canonical accounts columns."""

    name: str
    columns: tuple[str, ...]
    optional: tuple[str, ...] = ()
    account: str
    owner_id_card: Source = field(default_factory=lambda: Const(None))
    owner_name: Source = field(default_factory=lambda: Const(None))
    registration_phone: Source = field(default_factory=lambda: Const(None))
    device: Source = field(default_factory=lambda: Const(None))
    opened_at: Time | None = None
    bank: Source = field(default_factory=lambda: Const(None))

    def fits(self, header: Iterable[str]) -> bool:
        """Whether `header` is exactly this layout's columns plus some of its optional ones."""
        return _fits(header, self.columns, self.optional)


def _fits(header: Iterable[str], columns: tuple[str, ...], optional: tuple[str, ...]) -> bool:
    names = list(header)
    have = set(names)
    return (len(have) == len(names) and set(columns) <= have
            and have <= set(columns) | set(optional))


AMLWORLD = Layout(
    name="amlworld",
    description="IBM AMLworld (and the simulator's ledger): amount and currency as paid",
    columns=("Timestamp", "From Bank", "Account", "To Bank", "Account.1", "Amount Received",
             "Receiving Currency", "Amount Paid", "Payment Currency", "Payment Format"),
    optional=("Is Laundering",),
    ts=Time("Timestamp", "%Y/%m/%d %H:%M"),
    src="Account", dst="Account.1", amount="Amount Paid", currency="Payment Currency",
    channel="Payment Format", src_bank="From Bank", dst_bank="To Bank",
    label=Label("Is Laundering"),
)

AMLSIM = Layout(
    name="amlsim",
    description="AMLSim transactions.csv (amounts in its base currency, taken as USD)",
    columns=("tran_id", "orig_acct", "bene_acct", "tx_type", "base_amt", "tran_timestamp",
             "is_sar", "alert_id"),
    txn_id="tran_id", ts=Time("tran_timestamp"), src="orig_acct", dst="bene_acct",
    amount="base_amt", currency=Const("USD"), channel="tx_type", label=Label("is_sar"),
)

AMLSIM_SAMPLE = Layout(
    name="amlsim-sample",
    description="AMLSim sample transactions.csv: `time` is a day step after 2017-01-01 "
                "(AMLSim's default base date), amounts taken as USD, no label",
    columns=("sourceNodeId", "targetNodeId", "value", "time"),
    ts=Steps("time", epoch="2017-01-01T00:00:00", unit="D"),
    src="sourceNodeId", dst="targetNodeId", amount="value", currency=Const("USD"),
)

NATIVE = Layout(
    name="native",
    description="jingwang's own layout: ISO 8601 times (zone-less ones are UTC)",
    columns=("txn_id", "ts", "src", "dst", "amount", "currency", "channel"),
    optional=("src_bank", "dst_bank", "label"),
    txn_id="txn_id", ts=Time("ts"), src="src", dst="dst", amount="amount", currency="currency",
    channel="channel", src_bank="src_bank", dst_bank="dst_bank", label=Label("label"),
)

LAYOUTS: tuple[Layout, ...] = (AMLWORLD, AMLSIM, AMLSIM_SAMPLE, NATIVE)

ACCOUNTS = AccountsLayout(
    name="accounts",
    columns=("account",),
    optional=("bank", "owner_name", "owner_id_card", "registration_phone", "device", "opened_at"),
    account="account", owner_id_card="owner_id_card", owner_name="owner_name",
    registration_phone="registration_phone", device="device",
    opened_at=Time("opened_at", "%Y-%m-%d"), bank="bank",
)


def detect_layout(columns: Iterable[str]) -> Layout:
    """The known layout whose header set `columns` is exactly; ValueError listing them if none."""
    names = list(columns)
    for layout in LAYOUTS:
        if layout.fits(names):
            return layout
    known = "; ".join(f"{lay.name} ({', '.join(lay.columns)}"
                      + (f"[, {', '.join(lay.optional)}]" if lay.optional else "") + ")"
                      for lay in LAYOUTS)
    raise ValueError(f"unknown ledger layout, columns {', '.join(names)}; known layouts: {known}")
