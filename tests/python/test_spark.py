"""The same demo data built on DuckDB and on Apache Spark gives the same warehouse.

Spark (dbt-spark, method session: a local pyspark in this process; requirements-spark.txt)
runs no dbt Python models: its lifetime models come from the lifetime step
(customer_scoring.lifetime.build: a dbt build of everything the fits do not feed, the
fits and per-history predictions through the Spark session, a dbt build of the rest).
Every model must agree with DuckDB's, where the same code runs as dbt Python models, row
for row, in the restricted layer (schema main) and in the public one (schema bi), the
lifetime models included, with the exclusions of the PostgreSQL test for raw text
(test_postgres.py). Spark reads the demo's Parquet files where they
lie, through the same input contract as DuckDB (macro raw_input). On Spark the build runs
every data test and unit test too (they must pass there as well); DuckDB's side builds the
models only (./run test runs its tests elsewhere). Skipped,
saying so, unless WAREHOUSE_TEST_SPARK is 1: ./run test and ./run test-spark install the
Spark target and Java 17 when missing, and set it (a plain pytest may not have them).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest
from conftest import PROJECT_DIR, Warehouse, small_demo
from test_postgres import (
    LIFETIME_MODELS,
    ROUNDING_TOLERANCE,
    VARS,
    engine_differences,
)

from customer_scoring import lifetime

# slow: starts Spark and builds every model on it and on DuckDB, about 6 min on two cores
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        os.environ.get("WAREHOUSE_TEST_SPARK") != "1",
        reason="the Spark parity test needs the Spark target (requirements-spark.txt): "
        "./run test or ./run test-spark install it and set WAREHOUSE_TEST_SPARK=1",
    ),
]

AS_OF = VARS["as_of_date"]
# Spark computes these sums of decayed points and levels (doubles, not rounded by the
# models) in another order or precision than DuckDB: they agree to about 1e-6, so the last
# of the 6 decimals compared may differ.
TOLERANCE = {
    **ROUNDING_TOLERANCE,
    ("int_lead_engagement_factors", "decayed_points"): 0.000002,
    ("int_purchase_levels", "criterion_level"): 0.000002,
    ("int_score_points", "criterion_level"): 0.000002,
    ("lead_score_explanations", "points"): 0.000002,
    ("purchase_scores", "purchase_rhythm_level"): 0.000002,
}
BUILD = ("build", "--exclude", "resource_type:test", "resource_type:unit_test")


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    """The demo built on DuckDB and on Spark, and the Spark session that holds it."""
    if shutil.which("java") is None:
        # ./run test installs one (setup_spark): a missing one there is a failure, not a skip
        pytest.fail("Java is not installed: Spark needs a Java runtime (17)")
    from pyspark.sql import SparkSession

    work = tmp_path_factory.mktemp("engines")
    demo = small_demo(work, AS_OF)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WAREHOUSE_DEMO_DIR", str(demo))
        on_duckdb = Warehouse(work / "warehouse.duckdb", work / "duckdb")
        run = on_duckdb.dbt(*BUILD, vars=VARS)
        assert run.success, run.messages

        patch.setenv("WAREHOUSE_TARGET", "spark")
        patch.setenv("WAREHOUSE_SPARK_DIR", str(work / "spark"))
        on_spark = Warehouse(work / "unused.duckdb", work / "spark-dbt")
        said: list[str] = []
        built = lifetime.build(
            VARS,
            run=lambda args, vars: on_spark.dbt(*args, vars=vars),
            progress=said.append,
        )
        assert built, "\n".join(said)
        # the session dbt used (same process): its catalog holds the built tables
        spark = SparkSession.builder.getOrCreate()
        yield on_duckdb, spark
        spark.stop()  # the worker runs other test files after this one


def test_the_lifetime_models_run_on_spark_through_the_step(both):
    _, spark = both
    relations = {row.tableName for row in spark.sql("show tables in main").collect()}
    assert relations >= LIFETIME_MODELS
    assert {"lifetime_step_btyd_fits", "lifetime_step_btyd_history_predictions"} <= relations
    # the fits that predict converged (a first-lives candidate may fail on so few
    # customers: it is then not chosen)
    fits = spark.sql(
        "select distinct fit_status from main.btyd_fits where model != 'gamma_gamma' and is_chosen"
    ).collect()
    assert [row.fit_status for row in fits] == ["converged"]


def test_every_model_agrees_with_duckdb(both):
    on_duckdb, spark = both
    summary = engine_differences(
        on_duckdb.path,
        "Spark",
        lambda query: [tuple(row) for row in spark.sql(query).collect()],
        quote="`",
        tolerance=TOLERANCE,
        lifetime=True,
    )
    assert summary == [], "\n".join(summary)


def test_the_histories_split_at_comebacks_read_the_same_on_spark(both):
    """The query that splits each history into comebacks and the others (a seasonal index
    per group, customer_scoring.lifetime) gives Spark's session the same rows as DuckDB,
    with the holdout's purchase days and without: the demo here is too small for the
    split to apply, so the step above does not run it."""
    import duckdb

    on_duckdb, spark = both
    for outcome in (False, True):
        sql = lifetime.histories_sql(
            "main.int_customers_btyd_summary",
            "calibration",
            outcome,
            "main.int_customers_btyd_first_lives",
            VARS["btyd_comeback_gap_days"][0],
        )
        with duckdb.connect(str(on_duckdb.path), read_only=True) as connection:
            local = connection.sql(sql).df()
        remote = spark.sql(sql).toPandas()
        assert len(local) > 0 and local.is_comeback.any() and not local.is_comeback.all()
        assert remote.astype(local.dtypes).equals(local), (remote.head(), local.head())


def test_the_benchmark_times_the_rfm_path_on_spark(tmp_path):
    """benchmark --engine spark: the RFM path built by a local Spark in a process of its
    own, the DuckDB floor checked against the marts Spark wrote (their Parquet files)."""
    command = [sys.executable, "-m", "customer_scoring", "benchmark", "--customers", "200"]
    command += ["--years", "1.0", "--as-of", "2026-06-30", "--out", str(tmp_path)]
    command += ["--input", "orders-file", "--engine", "spark", "--steps", "rfm_path,engine_floor"]
    result = subprocess.run(command, cwd=PROJECT_DIR, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "models on spark" in result.stdout
    report = json.loads((tmp_path / "benchmark-200-orders-file-spark.json").read_text())
    assert report["engine"] == "spark"
    assert report["steps"]["engine_floor"]["customers_checked"] > 100
    assert report["ratios"]["rfm_path_to_floor"] > 1
    # the Java process is counted (dbt's Python process alone stays under 1 GB here)
    assert report["steps"]["rfm_path"]["peak_rss_mb"] > 1000
    assert not (tmp_path / "rfm-path-200-orders-file-spark").exists()
