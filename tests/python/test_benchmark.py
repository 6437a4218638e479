"""A tiny run of the benchmark command: it times each step, reports per-model times and
peak memory, checks that the engine floor and the pandas baseline give the marts' answer,
and writes JSON that another run can be compared with."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys

import duckdb
import pytest
from conftest import PROJECT_DIR

from customer_scoring.benchmark import check_same_answer

# slow: generates data and runs the benchmark steps (./run test only)
pytestmark = pytest.mark.slow


def test_the_benchmark_runs_and_writes_its_figures(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "customer_scoring",
            "benchmark",
            "--customers",
            "200",
            "--years",
            "1.0",
            "--as-of",
            "2026-06-30",
            "--out",
            str(tmp_path),
        ],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    for name in [
        "full_build",
        "rfm_path",
        "engine_floor",
        "pandas_baseline",
        "nightly_incremental",
    ]:
        assert f"| {name} |" in result.stdout
    report = json.loads((tmp_path / "benchmark-200.json").read_text())
    assert report["customers"] == 200 and report["orders"] > 0
    assert report["new_transaction_rows_next_day"] > 0
    assert dt.datetime.fromisoformat(report["date"])
    for name, step in report["steps"].items():
        assert step["seconds"] > 0 and step["peak_rss_mb"] > 0, name
    # rows per second count the files each step reads: the RFM path reads the order files
    assert report["steps"]["full_build"]["input_rows"] == report["input_rows"]
    assert report["steps"]["rfm_path"]["input_rows"] == report["order_file_rows"]
    assert 0 < report["order_file_rows"] < report["input_rows"]
    for name in ["full_build", "rfm_path"]:
        assert "customer_segments" in report["steps"][name]["models"]
    # the RFM path builds the RFM marts and not the behaviour scores
    assert "engagement_scores" in report["steps"]["full_build"]["models"]
    assert "engagement_scores" not in report["steps"]["rfm_path"]["models"]
    # both baselines were checked against the marts, customer by customer
    scored = report["steps"]["engine_floor"]["customers_checked"]
    assert scored > 100 and report["steps"]["pandas_baseline"]["customers_checked"] == scored
    assert report["steps"]["engine_floor"]["ratio_to_floor"] == 1.0
    # the incremental run builds the incremental facts again, on the next day's files
    assert "fct_orders" in report["steps"]["nightly_incremental"]["models"]


def test_a_baseline_that_disagrees_with_the_marts_fails_the_run(tmp_path):
    warehouse = tmp_path / "marts.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute(
            "create table customer_rfm as select * from (values "
            "('a', 3, 2, 150.25, 5, 4, 4, true), ('b', 40, 1, 20.00, 1, 2, 1, true), "
            "('c', null, 0, 0.00, null, null, null, false)) "
            "as t(customer_id, recency_days, frequency, monetary, r_score, f_score, m_score, "
            "is_scored)"
        )
        con.execute(
            "create table customer_segments as select * from (values "
            "('a', 'Loyal'), ('b', 'Lost')) as t(customer_id, segment)"
        )
        for name, rows in {
            "same": "('a', 3, 2, 15025, 5, 4, 4, 'Loyal'), ('b', 40, 1, 2000, 1, 2, 1, 'Lost')",
            "cent": "('a', 3, 2, 15024, 5, 4, 4, 'Loyal'), ('b', 40, 1, 2000, 1, 2, 1, 'Lost')",
            "missing": "('a', 3, 2, 15025, 5, 4, 4, 'Loyal')",
        }.items():
            con.execute(
                f"copy (select * from (values {rows}) as t(customer_id, recency_days, "
                "frequency, monetary, r_score, f_score, m_score, segment)) "
                f"to '{tmp_path / name}.parquet'"
            )
    assert check_same_answer("same", tmp_path / "same.parquet", warehouse) == 2
    for name in ["cent", "missing"]:
        with pytest.raises(RuntimeError, match=f"{name} disagrees with the marts"):
            check_same_answer(name, tmp_path / f"{name}.parquet", warehouse)


def test_some_steps_on_the_order_files_only(tmp_path):
    """--steps without the full build generates only the files the RFM path reads (how the
    largest scale runs on a small disk) and still checks the floor against the marts."""
    command = [sys.executable, "-m", "customer_scoring", "benchmark", "--customers", "200"]
    command += ["--years", "1.0", "--as-of", "2026-06-30", "--out", str(tmp_path)]
    result = subprocess.run(
        command + ["--steps", "rfm_path,engine_floor"],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads((tmp_path / "benchmark-200.json").read_text())
    assert list(report["steps"]) == ["rfm_path", "engine_floor"]
    assert report["as_of"] == "2026-06-30"  # the generated files, as of the as-of date
    assert report["steps"]["engine_floor"]["customers_checked"] > 100
    assert report["ratios"]["rfm_path_to_floor"] > 0
    generated = sorted(path.stem for path in (tmp_path / "demo-200").glob("*.parquet"))
    assert generated == ["customers", "exchange_rates", "products", "transactions"]

    refused = subprocess.run(
        command + ["--steps", "engine_floor"], cwd=PROJECT_DIR, capture_output=True, text=True
    )
    assert refused.returncode == 2 and "add rfm_path" in refused.stderr

    # the same demo as one bring-your-own orders file (--input orders-file): the RFM path
    # given only transactions_path, the floor reading that file, both giving one answer
    orders_file = [*command, "--input", "orders-file"]
    result = subprocess.run(
        [*orders_file, "--steps", "rfm_path,engine_floor"],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "reusing the files" in result.stdout and "(one orders file)" in result.stdout
    report = json.loads((tmp_path / "benchmark-200-orders-file.json").read_text())
    assert report["input"] == "orders-file"
    with duckdb.connect() as con:
        path = tmp_path / "orders-200.parquet"  # beside the demo's folder, not in it
        columns = [row[0] for row in con.sql(f"describe select * from '{path}'").fetchall()]
        lines = con.sql(f"select count(*) from '{path}'").fetchall()[0][0]
        sale_lines = con.sql(
            f"select count(*) from '{tmp_path / 'demo-200' / 'transactions.parquet'}' "
            "where status = 'completed'"
        ).fetchall()[0][0]
    assert columns == ["customer_id", "order_id", "ordered_at", "amount"]
    assert not (tmp_path / "demo-200" / "orders.parquet").exists()
    assert report["input_rows"] == lines == sale_lines
    assert report["steps"]["rfm_path"]["input_rows"] == lines
    assert report["steps"]["engine_floor"]["customers_checked"] > 100
    refused = subprocess.run(
        [*orders_file, "--steps", "rfm_path,pandas_baseline"],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
    )
    assert refused.returncode == 2
    assert "--input orders-file has no pandas_baseline" in refused.stderr

    # the same lines as a folder of daily deliveries (--input orders-folder): the RFM path
    # and the floor read the pattern of the days before the last; the last day's file waits
    # for the night
    result = subprocess.run(
        [*command, "--input", "orders-folder", "--steps", "rfm_path,engine_floor"],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "(a folder of daily files)" in result.stdout
    report = json.loads((tmp_path / "benchmark-200-orders-folder.json").read_text())
    assert report["as_of"] == "2026-06-29"  # the last day of orders, whose file waits
    assert report["steps"]["engine_floor"]["customers_checked"] > 100
    folder, following = tmp_path / "orders-200-days", tmp_path / "orders-200-days-next"
    assert [path.name for path in following.iterdir()] == ["2026-06-29.parquet"]
    with duckdb.connect() as con:
        whole = f"select * from '{tmp_path / 'orders-200.parquet'}'"
        delivered = (
            f"select * exclude (filename) from read_parquet('{folder}/*.parquet', filename = true)"
        )
        night = f"select * from '{following / '2026-06-29.parquet'}'"
        # every line delivered once: the folder and the night's file are the orders file
        assert con.sql(
            f"select count(*) from ({whole} except all ({delivered} union all {night}))"
        ).fetchall() == [(0,)]
        assert (
            con.sql(f"select count(*) from ({delivered} union all {night})").fetchall()
            == con.sql(f"select count(*) from ({whole})").fetchall()
        )
        # each file holds its day's lines; lines dated after the last day (quarantined as
        # date_in_future) come in the day before's file
        day = "cast(ordered_at as date)"
        named = "cast(regexp_extract(filename, '(\\d{4}-\\d{2}-\\d{2})', 1) as date)"
        future = f"{day} > date '2026-06-29' and filename like '%2026-06-28.parquet'"
        assert con.sql(
            f"select count(*) from read_parquet('{folder}/*.parquet', filename = true) "
            f"where {day} != {named} and not ({future})"
        ).fetchall() == [(0,)]
        assert con.sql(
            f"select count(*) from ({night}) where cast(ordered_at as date) != date '2026-06-29'"
        ).fetchall() == [(0,)]

    # Spark times the models only (test_spark.py runs it); the baselines are DuckDB's
    refused = subprocess.run(
        [*command, "--engine", "spark", "--steps", "rfm_path,pandas_baseline"],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
    )
    assert refused.returncode == 2
    assert "--engine spark has no pandas_baseline" in refused.stderr


def test_a_failing_step_is_reported_not_raised(tmp_path):
    from customer_scoring.benchmark import timed

    step = timed(
        [sys.executable, "-c", "print('working'); raise SystemExit(3)"],
        dict(os.environ),
        tmp_path / "step.log",
    )
    assert step["seconds"] > 0
    assert step["error"].startswith("exit 3;") and "working" in step["error"]


def test_a_step_reports_the_cpu_its_process_tree_used(tmp_path):
    from customer_scoring.benchmark import timed

    # a child that spins for 1.5 s of CPU in a grandchild, then sleeps 1 s: the CPU counts
    # the grandchild's work and not the sleep
    spin = "import time; end = time.process_time() + 1.5\nwhile time.process_time() < end: pass"
    child = f"import subprocess, sys, time; subprocess.run([sys.executable, '-c', {spin!r}])"
    step = timed(
        [sys.executable, "-c", child + "; time.sleep(1)"],
        dict(os.environ),
        tmp_path / "step.log",
    )
    assert "error" not in step
    assert 1.4 <= step["cpu_seconds"] <= 1.4 + 1.0  # the interpreters' start-up at most
    assert step["seconds"] >= 2.5


def test_a_rerun_at_the_same_scale_reuses_the_generated_files(tmp_path, capsys):
    from customer_scoring.benchmark import prepare

    as_of = dt.date(2026, 6, 30)
    first = prepare(50, 0.5, 7, as_of, tmp_path, ("rfm_path",))
    stamp = (tmp_path / "demo-50" / "transactions.parquet").stat().st_mtime_ns
    again = prepare(50, 0.5, 7, as_of, tmp_path, ("rfm_path",))
    assert "reusing the files" in capsys.readouterr().out
    assert again["input_rows"] == first["input_rows"] and again["orders"] == first["orders"]
    assert (tmp_path / "demo-50" / "transactions.parquet").stat().st_mtime_ns == stamp
    # another seed is other data: generated again
    prepare(50, 0.5, 8, as_of, tmp_path, ("rfm_path",))
    assert "generating 50 customers" in capsys.readouterr().out
