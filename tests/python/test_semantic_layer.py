"""The semantic layer answers with the marts' own numbers.

A small demo is built; MetricFlow (`mf query`, as a user runs it) is asked for each metric
and the answer is compared with the same figure computed from the mart it reads: revenue,
orders, buyers and average order value from fct_orders; customers, CLV and the churn rate,
per segment, from customer_scores; segment share from segment_sizes, audience size from
audience_summary, conversion rate and campaign uplift from campaign_results (per campaign,
the uplift and the conversion rate of both groups; per campaign and segment, the uplift).
`dbt ls` lists the semantic models and metrics.
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
            "+bi_segment_sizes",
            "+bi_audience_summary",
            "+campaign_results",
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


def test_segment_share_equals_segment_sizes(semantic):
    warehouse, mf_dir = semantic
    expected = dict(
        warehouse.query(
            "select segment, share_of_customers from bi.segment_sizes "
            "where share_of_customers is not null"
        )
    )
    assert len(expected) >= 5
    rows = mf_query(
        mf_dir, warehouse, "--metrics", "segment_share", "--group-by", "segment_size__segment"
    )
    found = {r["segment_size__segment"]: r["segment_share"] for r in rows if r["segment_share"]}
    assert set(found) == set(expected)
    for segment, share in expected.items():
        assert float(found[segment]) == pytest.approx(float(share)), segment


def test_audience_size_equals_audience_summary(semantic):
    warehouse, mf_dir = semantic
    expected = dict(
        warehouse.query(
            "select audience, treated_customers from bi.audience_summary "
            "where treated_customers is not null"
        )
    )
    assert expected and max(expected.values()) >= 10
    rows = mf_query(
        mf_dir, warehouse, "--metrics", "audience_size", "--group-by", "audience_snapshot__audience"
    )
    found = {
        r["audience_snapshot__audience"]: r["audience_size"] for r in rows if r["audience_size"]
    }
    assert {a: int(float(n)) for a, n in found.items()} == expected


def test_conversion_rate_and_uplift_equal_campaign_results(semantic):
    warehouse, mf_dir = semantic
    results = {
        (name, segment): row
        for name, segment, *row in warehouse.query(
            "select campaign_name, segment, uplift, treated_customers, control_customers, "
            "treated_conversion_after, control_conversion_after from campaign_results "
            "where value_tier = 'All' and uplift is not null"
        )
    }
    assert len({name for name, _ in results}) >= 2 and any(r[0] != 0 for r in results.values())
    # per campaign: the uplift, and the conversion rate of both groups together
    rows = mf_query(
        mf_dir,
        warehouse,
        "--metrics",
        "campaign_uplift,conversion_rate",
        "--group-by",
        "campaign_customer__campaign_name",
    )
    found = {r["campaign_customer__campaign_name"]: r for r in rows if r["campaign_uplift"]}
    assert set(found) == {name for name, segment in results if segment == "All"}
    for name, row in found.items():
        uplift, treated, control, treated_after, control_after = results[(name, "All")]
        assert float(row["campaign_uplift"]) == pytest.approx(float(uplift), abs=1e-6), name
        both = (treated * treated_after + control * control_after) / (treated + control)
        assert float(row["conversion_rate"]) == pytest.approx(float(both), abs=1e-5), name
    # per campaign and segment at launch
    rows = mf_query(
        mf_dir,
        warehouse,
        "--metrics",
        "campaign_uplift",
        "--group-by",
        "campaign_customer__campaign_name,campaign_customer__segment",
    )
    found = {
        (r["campaign_customer__campaign_name"], r["campaign_customer__segment"]): r
        for r in rows
        if r["campaign_uplift"]
    }
    assert set(found) == {cell for cell in results if cell[1] != "All"}
    for cell, row in found.items():
        assert float(row["campaign_uplift"]) == pytest.approx(float(results[cell][0]), abs=1e-6)


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
    assert {
        "orders",
        "customer_scores",
        "segment_sizes",
        "audience_sizes",
        "campaign_customers",
    } <= listed["semantic_model"]
    assert {
        "revenue",
        "orders",
        "buyers",
        "average_order_value",
        "customers",
        "clv",
        "churn_rate",
        "segment_share",
        "audience_size",
        "conversion_rate",
        "campaign_uplift",
    } <= listed["metric"]
