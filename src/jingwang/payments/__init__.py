"""Ledger parsing and laundering-channel detection (四方支付, 跑分, layering).

Reading: `read_ledger(path)` turns an AMLworld, AMLSim or native ledger (CSV or Parquet) into
one canonical Arrow table (`LEDGER_SCHEMA`); `read_accounts(path)` does the same for an accounts
table (`ACCOUNTS_SCHEMA`).  Layouts are declared in `layouts`, not coded per file.

Detecting: `account_features(con, ledger)` computes per-account flow features as Ibis
expressions (DuckDB by default); `score_accounts(con, ledger)` applies the declared rules
(`Thresholds`: pass-through, 跑分 collection, fan-in, fan-out), each flag with a reason;
`identity_reuse(con, accounts)` finds accounts opened on one identity kit (四件套: shared ID card,
phone or device) and in bursts; `cashout_flags(con, ledger)` flags the cash-out payments
(structuring just under the 50,000 line, crypto off-ramps and cash after inflows).
`structure_findings(con, ledger)` finds the shapes money takes across accounts (scatter-gather,
gather-scatter, cycles, layering chains, bipartite blocks and stacks of them), each with a reason.

Learning: `learned.transaction_features` gives each transaction its graph (the AMLworld recipe)
and `LedgerModel` scores it with LightGBM.  `scan_ledger(ledger, accounts)` runs all of it and
returns the scored transactions and accounts (`Scan`), with the shipped model (`load_model`).
"""

from jingwang.payments.cashout import (
    CASHOUT_TYPOLOGIES,
    FLAGS_SCHEMA,
    CashoutThresholds,
    cashout_flags,
)
from jingwang.payments.features import account_features
from jingwang.payments.identities import (
    IDENTITY_SCHEMA,
    IDENTITY_TYPOLOGIES,
    IdentityThresholds,
    identity_reuse,
)
from jingwang.payments.layouts import (
    ACCOUNTS,
    AMLSIM,
    AMLSIM_SAMPLE,
    AMLWORLD,
    LAYOUTS,
    NATIVE,
    AccountsLayout,
    Const,
    Label,
    Layout,
    Steps,
    Time,
    detect_layout,
)
from jingwang.payments.learned import LedgerModel, transaction_features
from jingwang.payments.ledger import ACCOUNTS_SCHEMA, LEDGER_SCHEMA, read_accounts, read_ledger
from jingwang.payments.rules import TYPOLOGIES, Thresholds, score_accounts
from jingwang.payments.scan import Scan, ScanOptions, load_model, scan_ledger
from jingwang.payments.structures import (
    STRUCTURE_TYPOLOGIES,
    StructureThresholds,
    structure_accounts,
    structure_findings,
    structure_legs,
    transaction_structures,
)

__all__ = [
    "ACCOUNTS",
    "ACCOUNTS_SCHEMA",
    "AMLSIM",
    "AMLSIM_SAMPLE",
    "AMLWORLD",
    "CASHOUT_TYPOLOGIES",
    "FLAGS_SCHEMA",
    "IDENTITY_SCHEMA",
    "IDENTITY_TYPOLOGIES",
    "LAYOUTS",
    "LEDGER_SCHEMA",
    "NATIVE",
    "STRUCTURE_TYPOLOGIES",
    "TYPOLOGIES",
    "AccountsLayout",
    "CashoutThresholds",
    "Const",
    "IdentityThresholds",
    "Label",
    "Layout",
    "LedgerModel",
    "Scan",
    "ScanOptions",
    "Steps",
    "StructureThresholds",
    "Thresholds",
    "Time",
    "account_features",
    "cashout_flags",
    "detect_layout",
    "identity_reuse",
    "load_model",
    "read_accounts",
    "read_ledger",
    "scan_ledger",
    "score_accounts",
    "structure_accounts",
    "structure_findings",
    "structure_legs",
    "transaction_features",
    "transaction_structures",
]
