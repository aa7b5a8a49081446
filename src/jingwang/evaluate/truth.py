"""Read the `truth/` folder a simulation wrote."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path


class NotASimulation(ValueError):
    """The folder holds no simulated world (no manifest.json or truth/)."""


@dataclass
class Truth:
    """What really happened in a simulated world."""

    root: Path
    manifest: dict
    gangs: list[dict]
    post_labels: dict[str, dict[str, str]] = field(default_factory=dict)
    post_indicators: dict[str, set[tuple[str, str]]] = field(default_factory=dict)
    case_gangs: dict[str, str] = field(default_factory=dict)
    case_indicators: dict[str, set[tuple[str, str]]] = field(default_factory=dict)
    account_roles: dict[str, str] = field(default_factory=dict)   # ledger account → role
    # The access log's clients: ip, uid, label (human, bot, ddos, crawler), kind, gang_id.
    clients: list[dict[str, str]] = field(default_factory=list)

    def gang_of_indicator(self) -> dict[tuple[str, str], set[str]]:
        """(kind, value) → the gangs that use it."""
        out: dict[tuple[str, str], set[str]] = defaultdict(set)
        for g in self.gangs:
            for kind, values in g["indicators"].items():
                for v in values:
                    out[(kind, v)].add(g["id"])
        return out


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def load_truth(root: Path | str) -> Truth:
    """The truth of the simulated world in `root`; raises NotASimulation otherwise."""
    root = Path(root)
    manifest_path, truth_dir = root / "manifest.json", root / "truth"
    if not manifest_path.exists() or not truth_dir.is_dir():
        raise NotASimulation(f"{root}: no manifest.json and truth/ — not a simulated world "
                             f"(make one with `jingwang simulate --out {root}`)")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    gangs = json.loads((truth_dir / "gangs.json").read_text(encoding="utf-8"))
    truth = Truth(root=root, manifest=manifest, gangs=gangs)
    for row in _rows(truth_dir / "posts.csv"):
        truth.post_labels[row["post_id"]] = row
        truth.post_indicators[row["post_id"]] = set()
    for row in _rows(truth_dir / "post_indicators.csv"):
        truth.post_indicators[row["post_id"]].add((row["kind"], row["value"]))
    for row in _rows(truth_dir / "cases.csv"):
        truth.case_gangs[row["case_id"]] = row["gang_id"]
        truth.case_indicators[row["case_id"]] = set()
    for row in _rows(truth_dir / "case_indicators.csv"):
        truth.case_indicators[row["case_id"]].add((row["kind"], row["value"]))
    if (truth_dir / "accounts.csv").exists():
        truth.account_roles = {r["account"]: r["role"] for r in _rows(truth_dir / "accounts.csv")}
    if (truth_dir / "clients.csv").exists():
        truth.clients = _rows(truth_dir / "clients.csv")
    return truth
