"""`jingwang demo` and `jingwang evaluate` end to end on a small world."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from jingwang.cli import app

runner = CliRunner()


def test_demo_simulates_ingests_and_scores(tmp_path: Path) -> None:
    result = runner.invoke(app, ["demo", "--out", str(tmp_path), "--no-serve"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "ingested posts     3,000 records" in out
    assert "simulated world seed 7 (small)" in out
    assert "detectors against the truth" in out and "indicator extraction" in out
    assert "fraud 电信网络诈骗" in out and "比中 preview" in out
    assert (tmp_path / "jingwang.db").exists() and (tmp_path / "world" / "truth").is_dir()

    # evaluate reads the same store and the world's truth again, and scores extraction.
    db = f"sqlite:///{tmp_path / 'jingwang.db'}"
    scored = runner.invoke(app, ["--db", db, "evaluate", str(tmp_path / "world")])
    assert scored.exit_code == 0, scored.output
    line = next(ln for ln in scored.output.splitlines() if "posts" in ln and "extraction" in ln)
    assert "1.000" in line  # the simulated posts follow the extraction contract
    # the ledger was scanned and its flagged accounts scored against the truth
    assert "ledger: 20,000 transactions scanned" in out
    line = next(ln for ln in scored.output.splitlines() if "payment channels" in ln)
    precision, recall = (float(x) for x in line.split("│")[3:5])
    assert precision >= 0.9 and recall >= 0.9, line
    assert "outside 'ledger'" in scored.output
    counts = json.loads(runner.invoke(app, ["--db", db, "stats", "--json"]).stdout)
    assert counts["sightings"] > 1500


def test_evaluate_refuses_a_folder_that_is_not_a_world(tmp_path: Path) -> None:
    result = runner.invoke(app, ["evaluate", str(tmp_path)])
    assert result.exit_code == 2
    assert "not a simulated world" in result.output


def test_simulate_command_writes_a_world(tmp_path: Path) -> None:
    result = runner.invoke(app, ["simulate", "--out", str(tmp_path / "w"), "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "simulated world seed 3 (small)" in result.output
    assert (tmp_path / "w" / "manifest.json").exists()
    bad = runner.invoke(app, ["simulate", "--out", str(tmp_path / "x"), "--scale", "huge"])
    assert bad.exit_code == 2
