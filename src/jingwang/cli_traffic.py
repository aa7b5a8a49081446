"""`jingwang scan logs` and `jingwang watch-log`: access logs → bots, fake crawlers and floods.
Thin: :mod:`jingwang.traffic` does the work."""

from __future__ import annotations

import csv
import json
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import pyarrow.compute as pc
import pyarrow.parquet as pq
import typer

from jingwang.cli_common import VersionOpt, app, fail, open_engine, out, progress_bar
from jingwang.cli_payments import scan_app
from jingwang.ingest.records import InputError
from jingwang.ingest.traffic import TRAFFIC_SOURCE
from jingwang.store.errors import StoreError
from jingwang.traffic import FormatError, IdSpec, LogFormat, Scan, ScanOptions, scan_logs
from jingwang.traffic.blocklist import block_list, write_block_lists
from jingwang.traffic.features import FeatureOptions
from jingwang.traffic.logformat import detect
from jingwang.traffic.read import DEFAULT_IDS

FormatArg = Annotated[str | None, typer.Option(
    "--format", help="combined, common, jingwang, json, or a log_format / LogFormat line "
    "(default: detected from the first lines)")]
AccountOpt = Annotated[str | None, typer.Option(
    "--account-field", help="Log variable or JSON key holding the account id (default: the "
    "query parameters and cookies uid, user_id, userid, account)")]
DeviceOpt = Annotated[str | None, typer.Option(
    "--device-field", help="Log variable or JSON key holding a device id (default: cookies "
    "or parameters device_id, did, deviceid, imei)")]


def _format(text: str | None) -> LogFormat | None:
    if text is None:
        return None
    try:
        return LogFormat.parse(text) if "$" in text or "%" in text else LogFormat.preset(text)
    except FormatError as exc:
        fail(str(exc), 2)


def _ids(account: str | None, device: str | None) -> dict[str, IdSpec]:
    """The default id sources, with the named log field read first."""
    return {kind: replace(DEFAULT_IDS[kind], field=name)
            for kind, name in (("account", account), ("device", device)) if name}


@scan_app.command("logs")
def scan_logs_cmd(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(help="Access logs (gzip by name; - is stdin).")],
    releases: Annotated[Path | None, typer.Option(
        "--releases", help="Slot release schedule: CSV with release_at (and resource); "
        "without it releases are inferred from bursts of bookings.")] = None,
    out_dir: Annotated[Path | None, typer.Option(
        "--out", help="Write clients.parquet, clients.csv, attacks.csv and the block lists "
        "(blocklist.nginx.conf, blocklist.ipset) here.")] = None,
    fmt: FormatArg = None,
    account_field: AccountOpt = None,
    device_field: DeviceOpt = None,
    crawler_dns: Annotated[Path | None, typer.Option(
        "--crawler-dns", help="Reverse-DNS answers from your own resolver ('ip hostname' a "
        "line) for crawler addresses outside the vendored ranges.")] = None,
    asn_db: Annotated[Path | None, typer.Option(
        "--asn-db", help="A MaxMind-format ASN database (GeoLite2-ASN): counts the "
        "autonomous systems an account or device comes from.")] = None,
    bucket_capacity: Annotated[float, typer.Option(
        "--bucket-capacity", help="Leaky bucket: requests a client may burst.")] = 40.0,
    bucket_leak: Annotated[float, typer.Option(
        "--bucket-leak", help="Leaky bucket: seconds for one token to leak.")] = 0.5,
    source: Annotated[str, typer.Option(
        "--source", help="Source name the findings are stored under.")] = TRAFFIC_SOURCE,
    no_store: Annotated[bool, typer.Option("--no-store", help="Only write the files.")] = False,
    version: VersionOpt = False,
) -> None:
    """Find scalper bots, fake crawlers and DDoS floods in access logs."""
    for f in [*files, *([asn_db] if asn_db else [])]:
        if str(f) != "-" and not f.is_file():
            fail(f"{f}: no such file — nothing was scanned or stored", 2)
    if bucket_capacity <= 0 or bucket_leak <= 0:
        fail("--bucket-capacity and --bucket-leak must be positive", 2)
    options = ScanOptions(features=FeatureOptions(bucket_capacity=bucket_capacity,
                                                  bucket_leak_s=bucket_leak), asn_db=asn_db)
    engine = None if no_store else open_engine(ctx)
    bar = progress_bar("reading")
    with bar:
        task = bar.add_task("lines", total=None)
        try:
            scan = scan_logs([str(f) for f in files], _format(fmt), releases,
                             _ids(account_field, device_field), crawler_dns, options,
                             progress=lambda _stage, n: bar.update(task, advance=n))
        except InputError as exc:
            fail(f"{exc} — nothing was scanned or stored")
    _print_scan(scan)
    if out_dir is not None:
        written = write_outputs(scan, out_dir)
        out.print("wrote " + ", ".join(str(p) for p in written))
    if engine is not None:
        from jingwang.ingest.traffic import store_traffic  # the store only when asked

        try:
            stored = store_traffic(engine, scan, source)
        except StoreError as exc:
            fail(str(exc))
        out.print(f"stored {stored.findings:,} findings (one already stored is updated, not "
                  f"repeated) and {stored.sightings:,} new sightings under source {source!r}")


def write_outputs(scan: Scan, out_dir: Path) -> list[Path]:
    """clients.parquet and .csv, attacks.csv and the two block lists."""
    out_dir.mkdir(parents=True, exist_ok=True)
    clients = scan.clients
    pq.write_table(clients, out_dir / "clients.parquet")
    with (out_dir / "clients.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        names = [n for n in clients.column_names]
        w.writerow(names)
        for row in clients.to_pylist():
            w.writerow(["|".join(v) if isinstance(v, list) else
                        v.isoformat() if hasattr(v, "isoformat") else v
                        for v in (row[n] for n in names)])
    with (out_dir / "attacks.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["start", "end", "peak_rps", "baseline_rps", "requests", "sources",
                    "error_share", "cache_busting_share", "paths"])
        for a in scan.attacks:
            w.writerow([_iso(a.start), _iso(a.end), round(a.peak_rps, 1),
                        round(a.baseline_rps, 2),
                        a.requests, len(a.sources), round(a.error_share, 3),
                        round(a.cache_busting_share, 3), "|".join(a.paths)])
    blocked = block_list(clients)
    paths = write_block_lists(blocked, out_dir)
    return [out_dir / "clients.parquet", out_dir / "clients.csv", out_dir / "attacks.csv",
            *paths]


def _iso(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).isoformat()


def _print_scan(scan: Scan) -> None:
    r = scan.report
    out.print(f"read {r.parsed:,} of {r.lines:,} lines in {len(r.files)} file(s); "
              f"{r.bad:,} did not parse")
    for b in r.examples[:5]:
        out.print(f"  {b.file}:{b.line}: {b.reason}")
    how = "inferred from bursts of bookings" if scan.releases_inferred else "from the schedule"
    out.print(f"{len(scan.releases)} slot releases ({how})")
    clients = scan.clients
    flagged = scan.flagged
    kinds = pc.value_counts(flagged["kind"]).to_pylist() if flagged.num_rows else []
    out.print(f"{clients.num_rows:,} clients (address, account, session, device seen "
              f"together); {flagged.num_rows:,} flagged: " + ", ".join(
                  f"{k['counts']:,} {k['values']}" for k in
                  sorted(kinds, key=lambda k: -k["counts"])))
    for a in scan.attacks:
        out.print(f"attack: {a.reason()}")
    shown: dict[str, dict] = {}              # the highest-scoring client of each kind
    for row in flagged.to_pylist():
        shown.setdefault(row["kind"], row)
    if shown:
        out.print("the first client of each kind (all of them in clients.parquet):")
    for row in shown.values():
        who = " ".join(x for x in (row["ip"], row["account"] and f"account {row['account']}")
                       if x)
        text = row["reasons"] if len(row["reasons"]) <= 200 else row["reasons"][:199] + "…"
        out.print(f"  {who}  {row['score']:.2f}  {row['kind']}\n      {text}")


@app.command("watch-log")
def watch_log(
    ctx: typer.Context,
    file: Annotated[str, typer.Argument(help="The log to watch; - reads stdin.")] = "-",
    follow: Annotated[bool, typer.Option(
        "--follow", "-f", help="Keep reading as the file grows (like tail -f).")] = False,
    releases: Annotated[Path | None, typer.Option(
        "--releases", help="Slot release schedule (CSV with release_at).")] = None,
    fmt: FormatArg = None,
    account_field: AccountOpt = None,
    device_field: DeviceOpt = None,
    from_start: Annotated[bool, typer.Option(
        "--from-start", help="With --follow, read the file from its beginning, not its end.")]
        = False,
    store: Annotated[bool, typer.Option(
        "--store", help="Also store each finding (source 'watch:<file>').")] = False,
    version: VersionOpt = False,
) -> None:
    """Watch a log live: a finding (JSON, one a line on stdout) as soon as a client crosses."""
    from jingwang.traffic.releases import read_releases
    from jingwang.traffic.watch import Watcher, follow_lines

    try:
        schedule = read_releases(releases) if releases else None
    except InputError as exc:
        fail(str(exc), 2)
    if fmt is None and file != "-":           # detected from the first lines, as the scan does
        with open(file, encoding="utf-8", errors="replace") as f:
            fmt_obj = detect([line for line, _ in zip(f, range(50), strict=False)])
    else:
        fmt_obj = _format(fmt) or LogFormat.preset("combined")
    engine = open_engine(ctx) if store else None
    if engine is not None:
        from jingwang.ingest.traffic import store_live_finding  # the store only when asked
    watcher = Watcher(fmt_obj, schedule, _ids(account_field, device_field))
    if file != "-" and not Path(file).is_file():
        fail(f"{file}: no such file", 2)
    lines = follow_lines(file, follow=follow, from_start=from_start or not follow)
    try:
        for finding in watcher.feed(lines):
            sys.stdout.write(json.dumps(finding.as_dict(), ensure_ascii=False) + "\n")
            sys.stdout.flush()
            if engine is not None:
                store_live_finding(engine, finding, f"watch:{file}")
    except KeyboardInterrupt:
        pass
    sys.stderr.write(f"{watcher.lines:,} lines, {watcher.bad:,} did not parse, "
                     f"{watcher.raised:,} findings\n")
