"""The semantic layer answers with the marts' own numbers.

A small demo is built; MetricFlow (`mf query`, as a user runs it) is asked for each metric
and the answer is compared with the same figure computed from the mart it reads: revenue,
orders, buyers and average order value from fct_orders; customers, CLV and the churn rate,
per segment, from customer_scores. `dbt ls` lists the semantic models and metrics.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PROJECT_DIR, Warehouse

from customer_scoring import dbt
from customer_scoring.demo import DemoConfig, generate

# slow: builds a demo warehouse (./run test only)
pytestmark = pytest.mark.slow

AS_OF = "2026-06-30"
VARS = {"as_of_date": AS_OF, "load_date": AS_OF}
MF = Path(sys.executable).with_name("mf")


@pytest.fixture(scope="module")
def semantic(tmp_path_factory):
    """A demo warehouse with what the metrics read, and a folder to run `mf` in: MetricFlow
    reads <project>/target/semantic_manifest.json, so it gets the project's dbt_project.yml
    and profiles.yml beside the semantic manifest of this parse."""
    work = tmp_path_factory.mktemp("semantic")
    generate(
        DemoConfig(customers=300, years=1.5, seed=5, as_of=dt.date.fromisoformat(AS_OF)),
        work / "demo",
        progress=lambda *_: None,
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WAREHOUSE_DEMO_DIR", str(work / "demo"))
        warehouse = Warehouse(work / "warehouse.duckdb", work)
        run = warehouse.dbt(
            "build",
            "-s",
            "+bi_customer_scores",
            "fct_orders",
            "time_spine_daily",
            "--exclude",
            "test_type:data",
            vars=VARS,
        )
        assert run.success, run.messages
        mf_dir = work / "mf"
        parsed = dbt.invoke(
            ["parse", "--target-path", str(mf_dir / "target"), "--log-path", str(work / "logs")],
            VARS,
            env={"WAREHOUSE_PATH": str(warehouse.path), "WAREHOUSE_AS_OF_DATE": None},
            cwd=PROJECT_DIR,
        )
        assert parsed.success, parsed.messages
        for name in ("dbt_project.yml", "profiles.yml"):
            shutil.copy(PROJECT_DIR / name, mf_dir / name)
        yield warehouse, mf_dir


def mf_query(mf_dir: Path, warehouse: Warehouse, *args: str) -> list[dict[str, str]]:
    out = mf_dir / "out.csv"
    out.unlink(missing_ok=True)
    env = {
        **os.environ,
        "DBT_PROFILES_DIR": str(mf_dir),
        "WAREHOUSE_PATH": str(warehouse.path),
        "WAREHOUSE_AS_OF_DATE": AS_OF,
    }
    done = subprocess.run(
        [str(MF), "query", *args, "--csv", str(out)],
        cwd=mf_dir,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0 and out.exists(), done.stdout[-3000:] + done.stderr[-3000:]
    with out.open() as handle:
        return list(csv.DictReader(handle))


def test_order_metrics_equal_fct_orders(semantic):
    warehouse, mf_dir = semantic
    [row] = mf_query(mf_dir, warehouse, "--metrics", "revenue,orders,buyers,average_order_value")
    [(revenue, orders, buyers)] = warehouse.query(
        "select sum(net_amount), count(*), count(distinct customer_id) from fct_orders"
    )
    assert orders > 100
    assert float(row["revenue"]) == pytest.approx(float(revenue), abs=0.005)
    assert int(float(row["orders"])) == orders
    assert int(float(row["buyers"])) == buyers
    assert float(row["average_order_value"]) == pytest.approx(float(revenue) / orders, rel=1e-9)


def test_orders_per_month_add_up_to_the_total(semantic):
    warehouse, mf_dir = semantic
    rows = mf_query(mf_dir, warehouse, "--metrics", "orders", "--group-by", "metric_time__month")
    assert len(rows) >= 12
    [(orders,)] = warehouse.query("select count(*) from fct_orders")
    assert sum(int(float(r["orders"])) for r in rows) == orders


def test_customer_metrics_by_segment_equal_customer_scores(semantic):
    warehouse, mf_dir = semantic
    rows = mf_query(
        mf_dir,
        warehouse,
        "--metrics",
        "customers,clv,churn_rate",
        "--group-by",
        "scored_customer__segment",
    )
    expected = {
        segment: (customers, clv, churn)
        for segment, customers, clv, churn in warehouse.query(
            "select coalesce(segment, ''), count(*), sum(clv), avg(churn_probability) "
            "from bi.customer_scores group by all"
        )
    }
    found = {r["scored_customer__segment"]: r for r in rows}
    assert set(found) == set(expected) and len(found) >= 5
    for segment, (customers, clv, churn) in expected.items():
        row = found[segment]
        assert int(float(row["customers"])) == customers, segment
        if clv is not None:
            assert float(row["clv"]) == pytest.approx(float(clv), abs=0.005), segment
        if churn is not None:
            assert float(row["churn_rate"]) == pytest.approx(float(churn), abs=1e-6), segment


def test_dbt_lists_the_semantic_models_and_metrics(semantic):
    _, mf_dir = semantic
    listed = {}
    for kind in ("semantic_model", "metric"):
        done = subprocess.run(
            [
                str(Path(sys.executable).with_name("dbt")),
                "ls",
                "--resource-type",
                kind,
                "--output",
                "name",
                "--quiet",
                "--target-path",
                str(mf_dir / "ls"),
            ],
            cwd=PROJECT_DIR,
            env={**os.environ, "DBT_PROFILES_DIR": str(PROJECT_DIR), "WAREHOUSE_PATH": ":memory:"},
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        listed[kind] = set(done.stdout.split())
    assert {"orders", "customer_scores"} <= listed["semantic_model"]
    assert {
        "revenue",
        "orders",
        "buyers",
        "average_order_value",
        "customers",
        "clv",
        "churn_rate",
    } <= listed["metric"]
