"""The engines the linking steps run on: DuckDB in-process by default, Spark at scale.

The steps in `jingwang.linking.graph` are Ibis expressions; only the connection differs.  Spark
needs the `spark` extra (`pip install 'jingwang[spark]'`) and Java 17; `master` is any Spark
master URL (`local[*]` on one machine, `spark://host:7077` or `yarn` on a cluster).
"""

from __future__ import annotations

import os

import ibis

ENGINES = ("duckdb", "spark")
DEFAULT_SPARK_MASTER = "local[*]"


class EngineUnavailable(RuntimeError):
    """The engine asked for cannot start here (a missing package or Java)."""


def connect(engine: str = "duckdb", spark_master: str | None = None) -> ibis.BaseBackend:
    """An Ibis connection for `engine` ("duckdb" or "spark")."""
    if engine == "duckdb":
        return ibis.duckdb.connect()
    if engine == "spark":
        return ibis.pyspark.connect(spark_session(spark_master))
    raise ValueError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")


def spark_session(master: str | None = None):
    """A Spark session for linking: `master`, else $JINGWANG_SPARK_MASTER, else local[*]."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise EngineUnavailable(
            "the spark engine needs PySpark: pip install 'jingwang[spark]'") from exc
    master = master or os.environ.get("JINGWANG_SPARK_MASTER") or DEFAULT_SPARK_MASTER
    builder = (SparkSession.builder.master(master).appName("jingwang-link")
               .config("spark.ui.enabled", "false")
               .config("spark.sql.session.timeZone", "UTC"))
    if master.startswith("local"):
        # One machine: a few shuffle partitions, not Spark's 200 meant for a cluster.
        builder = builder.config("spark.sql.shuffle.partitions", str(2 * (os.cpu_count() or 2)))
    try:
        return builder.getOrCreate()
    except Exception as exc:  # Java missing or the master unreachable: py4j raises bare errors
        raise EngineUnavailable(f"Spark did not start on {master}: {exc}") from exc
