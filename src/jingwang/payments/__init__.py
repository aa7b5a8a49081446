"""Ledger parsing and laundering-channel detection (四方支付, 跑分, layering).

Reading: `read_ledger(path)` turns an AMLworld, AMLSim or native ledger (CSV or Parquet) into
one canonical Arrow table (`LEDGER_SCHEMA`); `read_accounts(path)` does the same for an accounts
table (`ACCOUNTS_SCHEMA`).  Layouts are declared in `layouts`, not coded per file.
"""

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
from jingwang.payments.ledger import ACCOUNTS_SCHEMA, LEDGER_SCHEMA, read_accounts, read_ledger

__all__ = ["ACCOUNTS", "ACCOUNTS_SCHEMA", "AMLSIM", "AMLSIM_SAMPLE", "AMLWORLD", "LAYOUTS",
           "LEDGER_SCHEMA", "NATIVE", "AccountsLayout", "Const", "Label", "Layout", "Steps", "Time",
           "detect_layout", "read_accounts", "read_ledger"]
