"""Write a whole simulated world to a folder: records to ingest and `truth/` to score against.

    DIR/manifest.json         seed, scale, counts, the files written
    DIR/posts.jsonl           {"id", "platform", "author", "time", "text"}
    DIR/reports.jsonl         citizen reports {"id", "time", "category_claimed", "text", …}
    DIR/cases.csv             case_id, reported_at, region_code, category, description
    DIR/ledger/               transactions.parquet|csv (AMLworld layout), accounts.parquet|csv
    DIR/logs/access.log       nginx access log of a registration platform
    DIR/web/pages/*.html, DIR/web/pages.warc.gz
    DIR/truth/                gangs.json, posts.csv, post_indicators.csv, cases.csv,
                              case_indicators.csv, reports.csv, accounts.csv, clients.csv,
                              pages.csv

Every file is a pure function of (seed, scale): the same seed writes the same bytes.
"""

from __future__ import annotations

import csv
import json
import shutil
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from jingwang import __version__
from jingwang.simulate.cases import generate_cases, generate_reports
from jingwang.simulate.posts import generate_posts
from jingwang.simulate.world import Scale, World, build_world

Progress = Callable[[str, int, int | None], None]  # (stage, advance, total)


@dataclass
class Manifest:
    """What a simulation wrote: its seed and scale, counts per record kind, and the files."""

    seed: int
    scale: str
    jingwang_version: str
    counts: dict[str, int] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)


def _csv_writer(path: Path, header: list[str]):
    path.parent.mkdir(parents=True, exist_ok=True)
    f = path.open("w", encoding="utf-8", newline="")
    w = csv.writer(f, lineterminator="\n")
    w.writerow(header)
    return f, w


def _write_posts(world: World, out: Path, progress: Progress | None) -> tuple[int, list]:
    sample: list = []
    n = 0
    pf, (tf, tw), (itf, itw) = (
        (out / "posts.jsonl").open("w", encoding="utf-8"),
        _csv_writer(out / "truth" / "posts.csv", ["post_id", "label", "category", "gang_id"]),
        _csv_writer(out / "truth" / "post_indicators.csv", ["post_id", "kind", "value"]),
    )
    with pf, tf, itf:
        for record, truth in generate_posts(world):
            pf.write(json.dumps(record, ensure_ascii=False) + "\n")
            tw.writerow([truth.post_id, truth.label, truth.category, truth.gang_id])
            for kind, value in truth.indicators:
                itw.writerow([truth.post_id, kind, value])
            if len(sample) < 5000:
                sample.append((record, truth))
            n += 1
            if progress and n % 1000 == 0:
                progress("posts", 1000, world.scale.posts)
    return n, sample


def _write_cases(world: World, out: Path) -> int:
    n = 0
    (cf, cw), (tf, tw), (itf, itw) = (
        _csv_writer(out / "cases.csv",
                    ["case_id", "reported_at", "region_code", "category", "description"]),
        _csv_writer(out / "truth" / "cases.csv", ["case_id", "gang_id", "category"]),
        _csv_writer(out / "truth" / "case_indicators.csv", ["case_id", "kind", "value"]),
    )
    with cf, tf, itf:
        for record, truth in generate_cases(world):
            cw.writerow([record[k] for k in ("case_id", "reported_at", "region_code",
                                             "category", "description")])
            tw.writerow([truth.case_id, truth.gang_id, truth.category])
            for kind, value in truth.indicators:
                itw.writerow([truth.case_id, kind, value])
            n += 1
    return n


def _write_reports(world: World, out: Path, sample: list) -> int:
    n = 0
    rf = (out / "reports.jsonl").open("w", encoding="utf-8")
    tf, tw = _csv_writer(out / "truth" / "reports.csv",
                         ["report_id", "label", "category", "gang_id", "post_id"])
    with rf, tf:
        for record, truth in generate_reports(world, sample):
            rf.write(json.dumps(record, ensure_ascii=False) + "\n")
            tw.writerow([truth[k] for k in ("report_id", "label", "category", "gang_id",
                                            "post_id")])
            n += 1
    return n


def gangs_truth(world: World) -> list[dict[str, object]]:
    """The gangs as truth/gangs.json holds them: members, roles, indicators, suppliers."""
    return [{
        "id": g.id, "archetype": g.archetype, "category": g.category, "role": g.role,
        "region_code": g.region_code, "activity": round(g.activity, 4),
        "members": [asdict(m) for m in g.members],
        "indicators": g.indicators, "suppliers": g.suppliers,
        "shared_with": {k: [list(p) for p in v] for k, v in g.shared_with.items()},
    } for g in world.gangs]


def simulate_world(seed: int, scale: str | Scale, out: Path,
                   progress: Progress | None = None) -> Manifest:
    """Build the world of `seed` at `scale` and write every record and its truth under `out`."""
    from jingwang.simulate.access_logs import write_access_log
    from jingwang.simulate.ledger import write_ledger
    from jingwang.simulate.web_pages import write_pages

    world = build_world(seed, scale)
    out = Path(out)
    for sub in ("truth", "ledger", "logs", "web"):
        if (out / sub).exists():
            shutil.rmtree(out / sub)
        (out / sub).mkdir(parents=True, exist_ok=True)
    manifest = Manifest(seed=seed, scale=world.scale.name, jingwang_version=__version__)
    (out / "truth" / "gangs.json").write_text(
        json.dumps(gangs_truth(world), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    manifest.counts["gangs"] = len(world.gangs)
    manifest.counts["posts"], sample = _write_posts(world, out, progress)
    manifest.counts["cases"] = _write_cases(world, out)
    manifest.counts["reports"] = _write_reports(world, out, sample)

    def stage(name: str, total: int) -> Callable[[int], None] | None:
        return (lambda n: progress(name, n, total)) if progress else None

    for key, value in write_ledger(world, out / "ledger",
                                   stage("ledger", world.scale.transactions)).items():
        manifest.counts[key] = value
    for key, value in write_access_log(world, out / "logs",
                                       stage("logs", world.scale.log_lines)).items():
        manifest.counts[key] = value
    for key, value in write_pages(world, out / "web", stage("pages", world.scale.pages)).items():
        manifest.counts[f"pages_{key}"] = value
    _move_truth(out)
    manifest.files = sorted(str(p.relative_to(out)) for p in out.rglob("*")
                            if p.is_file() and p.name != "manifest.json"
                            and p.parent.name != "pages")
    (out / "manifest.json").write_text(json.dumps(asdict(manifest), ensure_ascii=False,
                                                  indent=1) + "\n", encoding="utf-8")
    return manifest


def _move_truth(out: Path) -> None:
    """The generators write truth_*.csv beside their records; truth/ is where it belongs."""
    for name, target in (("ledger/truth_accounts.csv", "accounts.csv"),
                         ("logs/truth_clients.csv", "clients.csv"),
                         ("web/truth_pages.csv", "pages.csv")):
        src = out / name
        if src.exists():
            src.replace(out / "truth" / target)
