"""The linking steps run unchanged on Spark (local mode) and find the groups DuckDB finds."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jingwang.cli import app
from jingwang.linking.engines import connect
from jingwang.linking.link import link_sightings
from jingwang.simulate.run import simulate_world

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("pyspark") is None or shutil.which("java") is None,
    reason="the Spark path needs PySpark (pip install '.[spark]') and Java on PATH")

sys.path.insert(0, str(Path(__file__).parents[2] / "benchmarks"))
from linking import text_sightings  # noqa: E402  (the benchmark's reader of a world's text)


@pytest.fixture(scope="module")
def spark_con():
    return connect("spark", "local[2]")


def _shape(result):
    """Everything a group is, with weights to nine places (Spark and DuckDB round ln apart)."""
    return sorted(
        (g.key, tuple((k, v, round(w, 9)) for k, v, w in g.indicators), g.record_count,
         tuple(sorted(g.sources.items())), tuple(sorted(g.records)))
        for g in result.groups)


def test_spark_finds_the_same_groups_as_duckdb_on_a_small_world(tmp_path, spark_con) -> None:
    simulate_world(5, "small", tmp_path / "world")
    sightings, _ = text_sightings(tmp_path / "world")
    on_duckdb = link_sightings(sightings)
    on_spark = link_sightings(sightings, con=spark_con)
    assert len(on_duckdb.groups) > 100
    assert _shape(on_spark) == _shape(on_duckdb)
    assert on_spark.components == on_duckdb.components
    assert on_spark.membership == on_duckdb.membership
    assert sorted(on_spark.dropped) == sorted(on_duckdb.dropped)
    assert {k: (round(w, 6), n) for k, (w, n) in on_spark.links.items()} == {
        k: (round(w, 6), n) for k, (w, n) in on_duckdb.links.items()}


def test_link_command_with_the_spark_engine_stores_the_duckdb_gangs(tmp_path, spark_con) -> None:
    from test_link_gangs import _store  # the hand-built store of two gangs (same folder)

    runner = CliRunner()
    url = _store(tmp_path)
    duck = runner.invoke(app, ["--db", url, "link"])
    assert "2 gangs (2 new" in duck.output, duck.output
    spark = runner.invoke(app, ["--db", url, "link", "--engine", "spark",
                                "--spark-master", "local[2]"])
    assert spark.exit_code == 0, spark.output
    assert "2 gangs (0 new, 2 kept, 0 removed)" in spark.output and "1 chain links" in spark.output
    bad = runner.invoke(app, ["--db", url, "link", "--engine", "flink"])
    assert bad.exit_code == 2 and "unknown --engine 'flink'" in bad.output
