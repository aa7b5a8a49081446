"""`jingwang scan payments`: run every payment detector over a ledger, write the scored tables,
store the findings.  Thin: :mod:`jingwang.payments.scan` does the work."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pyarrow.parquet as pq
import typer

from jingwang.cli_common import VersionOpt, app, fail, open_engine, out, progress_bar
from jingwang.ingest.ledgers import store_scan
from jingwang.ingest.records import InputError
from jingwang.linking.engines import DEFAULT_SPARK_MASTER, ENGINES, EngineUnavailable, connect
from jingwang.payments import read_accounts, read_ledger
from jingwang.payments.scan import STAGES, load_model, scan_ledger
from jingwang.store.errors import StoreError

scan_app = typer.Typer(help="Run the detectors over a batch of signals.", no_args_is_help=True)
app.add_typer(scan_app, name="scan")


@scan_app.command("payments")
def scan_payments(
    ctx: typer.Context,
    ledger: Annotated[Path, typer.Argument(
        help="The ledger: CSV or Parquet, AMLworld, AMLSim or native layout.")],
    accounts: Annotated[Path | None, typer.Option(
        "--accounts", help="Who opened each account (ID card, phone, device, opened at): "
        "adds identity-kit reuse and opening bursts.")] = None,
    out_dir: Annotated[Path | None, typer.Option(
        "--out", help="Write transactions.parquet and accounts.parquet here.")] = None,
    source: Annotated[str, typer.Option(
        "--source", help="Source name the findings are stored under; give each ledger its own "
        "to keep their findings apart.")] = "ledger",
    model_path: Annotated[Path | None, typer.Option(
        "--model", help="A LightGBM model written by scripts/train_payment_model.py "
        "(default: the shipped one).")] = None,
    no_model: Annotated[bool, typer.Option(
        "--no-model", help="Rules only: no learned score.")] = False,
    no_store: Annotated[bool, typer.Option(
        "--no-store", help="Only write the tables; store nothing.")] = False,
    engine_name: Annotated[str, typer.Option(
        "--engine", help="Where the features are computed: duckdb (in-process) or spark.")]
        = "duckdb",
    spark_master: Annotated[str | None, typer.Option(
        "--spark-master", help=f"Spark master URL (default: $JINGWANG_SPARK_MASTER or "
        f"{DEFAULT_SPARK_MASTER}).")] = None,
    version: VersionOpt = False,
) -> None:
    """Find pass-through cards, 跑分 collection, structures, cash-outs and identity kits."""
    if engine_name not in ENGINES:
        fail(f"unknown --engine {engine_name!r}; choose {' or '.join(ENGINES)}", 2)
    if no_model and model_path is not None:
        fail("--model and --no-model exclude each other", 2)
    try:
        table = read_ledger(str(ledger))
        registry = read_accounts(str(accounts)) if accounts is not None else None
    except InputError as exc:
        fail(f"{exc} — nothing was scanned or stored")
    try:
        model = None if no_model else load_model(model_path)
    except (OSError, ValueError, KeyError) as exc:
        fail(f"{model_path}: not a model this version can read: {exc}", 2)
    con = None
    if engine_name == "spark":
        try:
            con = connect(engine_name, spark_master)
        except EngineUnavailable as exc:
            fail(str(exc))
    engine = None if no_store else open_engine(ctx)
    bar = progress_bar("scanning")
    with bar:
        task = bar.add_task("ledger", total=len(STAGES) - (model is None) - (registry is None))

        def step(name: str) -> None:
            bar.update(task, advance=1, description=name)

        result = scan_ledger(table, registry, con=con, model=model, progress=step)
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        pq.write_table(result.transactions, out_dir / "transactions.parquet")
        pq.write_table(result.accounts, out_dir / "accounts.parquet")
    n, m = result.transactions.num_rows, result.accounts.num_rows
    how = f"model trained on {result.model}" if result.model else "rules only"
    out.print(f"scanned {n:,} transactions between {m:,} accounts in "
              f"{sum(result.timings.values()):.1f} s ({how}): "
              f"{result.flagged_transactions:,} transactions and {result.flagged_accounts:,} "
              f"accounts flagged, {result.structures.num_rows:,} structures")
    if out_dir is not None:
        out.print(f"wrote {out_dir / 'transactions.parquet'} and {out_dir / 'accounts.parquet'}")
    if engine is not None:
        try:
            stored = store_scan(engine, result.accounts, result.structures,
                                source, result.identities, registry)
        except StoreError as exc:
            fail(str(exc))
        out.print(f"stored {stored.findings:,} findings (one already stored is updated, not "
                  f"repeated) and {stored.sightings:,} new sightings under source {source!r}")
    flagged = result.accounts.filter(result.accounts["flagged"]).slice(0, 8).to_pylist()
    if flagged:
        out.print("flagged accounts, highest score first (all of them in accounts.parquet):")
    for row in flagged:
        reason = row["reason"] if len(row["reason"]) <= 150 else row["reason"][:149] + "…"
        out.print(f"  {row['account']}  {row['score']:.2f}  "
                  f"{row['n_flagged_txns']}/{row['n_txns']} payments flagged  "
                  f"{', '.join(row['typologies'])}\n      {reason}", highlight=False)
