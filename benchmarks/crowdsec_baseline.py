"""CrowdSec as an offline leaky-bucket baseline over an nginx access log.

Runs Debian's ``crowdsec`` package (1.4.6 in Debian 12, ``apt-get install
crowdsec``) in replay ("time-machine") mode over one log file and reports which
IPs its scenarios flagged. Nothing is fetched from the network:

* every run builds a private config dir in ``workdir/crowdsec`` (``config.yaml``,
  ``profiles.yaml``, a fresh sqlite db, machine credentials);
* parsers and scenarios are enabled the way the Debian postinst/cscli do it:
  symlinks ``etc/<type>/[<stage>/]<name>.yaml`` pointing into the offline hub
  ``/usr/share/crowdsec/hub``, resolved from its ``.index.json`` for the
  collections ``crowdsecurity/nginx`` (which pulls in base-http-scenarios and
  http-cve), plus ``syslog-logs`` (holds the ``non-syslog`` s00 parser) and
  ``dateparse-enrich``. ``crowdsecurity/whitelists`` (private-range
  whitelist) is off unless asked for; geoip-enrich is not used (no mmdb);
* data files come from ``/usr/share/crowdsec/data``, grok patterns from
  ``/etc/crowdsec/patterns``;
* no CAPI, no console, no hub update. The LAPI runs inside the crowdsec
  process on a free 127.0.0.1 port only so that the agent can store alerts in
  the private sqlite db. In 1.4.6 ``-no-api`` is fatal here (the agent still
  logs in to a LAPI to push alerts) and ``-dump-data`` exits without pushing
  any, so neither is used.

The command is ``crowdsec -c <workdir>/crowdsec/config.yaml -dsn file://<log>
-type nginx -no-capi``; it uses the log's own timestamps. Afterwards the
``alerts`` table of the db is read directly (one row per bucket overflow).
Parser counts come from crowdsec's Prometheus endpoint (also a private
127.0.0.1 port), polled during the run; the last scrape is kept.

The stock nginx grok pattern is unanchored, so the log's extra trailing
fields (``$request_time "$http_x_forwarded_for"``) do not stop it matching:
the log is replayed as is, no stripped copy is needed.

Everything lives in ``<workdir>/crowdsec/`` (wiped at each run; the log and
db stay there for inspection). One parser and one bucket routine are used so
that events reach the buckets in log order and the result is reproducible.
CrowdSec 1.4.6 is slow at this: about 160-180 lines/s on a 2-core machine
(3.5 s start-up; the nginx grok costs ~1.7 ms a line and the
http-bad-user-agent scenario's 600 regexes about as much again), so give a
1M-line log a timeout of a few hours. Note that the stock bad-user-agent list
contains ``\\bMicroMessenger\\b``: every WeChat in-app browser is "bad".
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import threading
import time
import urllib.request
from collections import Counter
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

HUB = Path("/usr/share/crowdsec/hub")
DATA = Path("/usr/share/crowdsec/data")
PATTERNS = Path("/etc/crowdsec/patterns")
COLLECTIONS = ("crowdsecurity/nginx", "crowdsecurity/base-http-scenarios")
BASE_PARSERS = ("crowdsecurity/syslog-logs", "crowdsecurity/dateparse-enrich")
_DATA_REF = re.compile(r"source_url: *(\S+)\s+dest_file: *(\S+)")
_METRIC = re.compile(r'^(cs_\w+)\{(?:[^}]*?name="([^"]*)")?[^}]*\} (\S+)$')


@dataclass
class CrowdsecRun:
    """Outcome of one replay: flagged IPs, alert counts, parser metrics."""

    decisions: dict[str, list[str]]
    alerts_per_scenario: Counter[str]
    metrics: dict[str, float] = field(default_factory=dict)
    runtime_s: float = 0.0


def crowdsec_available() -> str | None:
    """None if crowdsec can run here, else why not (for a benchmark skip)."""
    for exe in ("crowdsec", "cscli"):
        if shutil.which(exe) is None:
            return f"{exe} not on PATH (apt-get install crowdsec)"
    for need in (HUB / ".index.json", DATA, PATTERNS):
        if not need.exists():
            return f"{need} missing (Debian's crowdsec package ships it)"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _hub_items(collections: tuple[str, ...], whitelist: bool) -> set[tuple[str, str]]:
    """(type, name) of every item the collections need, from the hub index."""
    index = json.loads((HUB / ".index.json").read_text())
    items = {("parsers", p) for p in BASE_PARSERS}
    if whitelist:
        items.add(("parsers", "crowdsecurity/whitelists"))
    todo = list(collections)
    while todo:
        name = todo.pop()
        if ("collections", name) in items:
            continue
        items.add(("collections", name))
        entry = index["collections"][name]
        for kind in ("parsers", "scenarios", "postoverflows"):
            items.update((kind, n) for n in entry.get(kind) or [])
        todo.extend(entry.get("collections") or [])
    return items


def _write_config(workdir: Path, whitelist: bool) -> tuple[Path, int]:
    etc, data = workdir / "etc", workdir / "data"
    index = json.loads((HUB / ".index.json").read_text())
    for kind, name in sorted(_hub_items(COLLECTIONS, whitelist)):
        rel = Path(index[kind][name]["path"])  # e.g. parsers/s01-parse/crowdsecurity/x.yaml
        link = etc / rel.parent.parent / rel.name  # vendor dir stripped, as Debian does
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(HUB / rel)
    (etc / "patterns").symlink_to(PATTERNS)
    data.mkdir()
    for f in DATA.iterdir():
        (data / f.name).symlink_to(f)
    # Debian ships some data files under their source_url name, not dest_file
    # (path_traversal.txt vs http_path_traversal.txt): link the missing ones.
    for item in etc.glob("*/**/*.yaml"):
        for url, dest in _DATA_REF.findall(item.read_text()):
            if not (data / dest).exists() and (DATA / Path(url).name).exists():
                (data / dest).symlink_to(DATA / Path(url).name)
    (etc / "simulation.yaml").write_text("simulation: off\n")
    (etc / "acquis.yaml").write_text("")
    (etc / "profiles.yaml").write_text(
        "name: default_ip_remediation\nfilters:\n"
        ' - Alert.Remediation == true && Alert.GetScope() == "Ip"\n'
        "decisions:\n - type: ban\n   duration: 4h\non_success: break\n"
    )
    lapi, prom = _free_port(), _free_port()
    path = workdir / "config.yaml"
    path.write_text(f"""\
common: {{daemonize: false, log_media: stdout, log_level: info, working_dir: {workdir}}}
config_paths:
  config_dir: {etc}/
  data_dir: {data}/
  simulation_path: {etc}/simulation.yaml
  hub_dir: {HUB}/
  index_path: {HUB}/.index.json
  notification_dir: {etc}/notifications/
  plugin_dir: /usr/lib/crowdsec/plugins/
crowdsec_service:
  acquisition_path: {etc}/acquis.yaml
  parser_routines: 1
  buckets_routines: 1
db_config: {{type: sqlite, db_path: {data}/crowdsec.db, use_wal: true, log_level: warning}}
api:
  client: {{credentials_path: {etc}/local_api_credentials.yaml}}
  server:
    listen_uri: 127.0.0.1:{lapi}
    log_level: warning
    profiles_path: {etc}/profiles.yaml
prometheus: {{enabled: true, level: full, listen_addr: 127.0.0.1, listen_port: {prom}}}
""")
    return path, prom


def _poll_metrics(port: int, proc: subprocess.Popen[bytes], out: dict[str, float]) -> None:
    """Keep the last Prometheus scrape of the running crowdsec in ``out``."""
    while proc.poll() is None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as r:
                text = r.read().decode()
        except OSError:
            time.sleep(0.2)
            continue
        snap: dict[str, float] = {}
        for m in map(_METRIC.match, text.splitlines()):
            if m and m[1].startswith(("cs_parser_hits", "cs_filesource", "cs_node_hits")):
                key = f"{m[1]}[{m[2]}]" if m[2] else m[1]
                snap[key] = snap.get(key, 0.0) + float(m[3])
        out.clear()
        out.update(snap)
        time.sleep(0.2)


def crowdsec_run(
    log_path: Path, workdir: Path, timeout: float = 1800, whitelist: bool = False
) -> CrowdsecRun:
    """Replay ``log_path`` through crowdsec in a fresh config under ``workdir``."""
    if (why := crowdsec_available()) is not None:
        raise RuntimeError(why)
    workdir = Path(workdir).resolve() / "crowdsec"
    if workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    config, prom = _write_config(workdir, whitelist)
    creds = workdir / "etc" / "local_api_credentials.yaml"
    add = ["cscli", "-c", str(config), "--error", "machines", "add", "replay", "-f", str(creds)]
    password = ["--password", os.urandom(16).hex()]
    subprocess.run([*add, *password], check=True, capture_output=True, timeout=120)
    dsn = f"file://{Path(log_path).resolve()}"
    cmd = ["crowdsec", "-c", str(config), "-dsn", dsn, "-type", "nginx", "-no-capi"]
    metrics: dict[str, float] = {}
    start = time.monotonic()
    with open(workdir / "crowdsec.log", "wb") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
        poller = threading.Thread(target=_poll_metrics, args=(prom, proc, metrics))
        poller.start()
        try:
            rc = proc.wait(timeout=timeout)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            poller.join()
    runtime = time.monotonic() - start
    if rc != 0:
        raise RuntimeError(f"crowdsec exited {rc}; see {workdir / 'crowdsec.log'}")
    with closing(sqlite3.connect(workdir / "data" / "crowdsec.db")) as db:
        rows = db.execute(
            "SELECT source_value, scenario FROM alerts WHERE source_scope = 'Ip'"
        ).fetchall()
    fired: dict[str, set[str]] = {}
    for ip, scenario in rows:
        fired.setdefault(ip, set()).add(scenario)
    return CrowdsecRun(
        {ip: sorted(s) for ip, s in fired.items()}, Counter(s for _, s in rows), metrics, runtime
    )


def crowdsec_decisions(
    log_path: Path, workdir: Path, timeout: float = 1800
) -> dict[str, list[str]]:
    """{ip: sorted scenario names that fired on it} for an nginx access log."""
    return crowdsec_run(log_path, workdir, timeout).decisions


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("log", type=Path, help="nginx access log (combined format)")
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/crowdsec_baseline"))
    ap.add_argument("--timeout", type=float, default=1800)
    ap.add_argument(
        "--whitelist",
        action="store_true",
        help="enable crowdsecurity/whitelists (drops private-range IPs)",
    )
    args = ap.parse_args()
    if (why := crowdsec_available()) is not None:
        raise SystemExit(f"skip: {why}")
    run = crowdsec_run(args.log, args.workdir, args.timeout, args.whitelist)
    m = run.metrics
    print(
        f"lines read {m.get('cs_filesource_hits_total', 0):.0f}, "
        f"parsed {m.get('cs_parser_hits_ok_total', 0):.0f}, "
        f"unparsed {m.get('cs_parser_hits_ko_total', 0):.0f}, "
        f"nginx-logs ok {m.get('cs_node_hits_ok_total[crowdsecurity/nginx-logs]', 0):.0f}"
    )
    print(f"runtime {run.runtime_s:.1f} s; {len(run.decisions)} IPs flagged")
    per_ip = Counter(s for scen in run.decisions.values() for s in scen)
    for scenario, n in per_ip.most_common():
        print(f"  {scenario}: {n} IPs, {run.alerts_per_scenario[scenario]} alerts")


if __name__ == "__main__":
    main()
