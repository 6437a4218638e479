"""The Dagster definitions load, map every dbt model to an asset, and run the nightly job
in-process on a small demo warehouse."""

from __future__ import annotations

import datetime as dt
import importlib
import sys

import duckdb
import pytest
from conftest import PROJECT_DIR

from customer_scoring.demo import DemoConfig, generate

AS_OF = dt.date(2026, 6, 30)


@pytest.fixture(scope="module")
def definitions(tmp_path_factory):
    work = tmp_path_factory.mktemp("dagster")
    generate(
        DemoConfig(customers=300, years=1.0, seed=9, as_of=AS_OF),
        work / "demo",
        progress=lambda *_: None,
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WAREHOUSE_PATH", str(work / "warehouse.duckdb"))
        patch.setenv("WAREHOUSE_DEMO_DIR", str(work / "demo"))
        patch.setenv("WAREHOUSE_RUNS_DIR", str(work / "runs"))
        patch.setenv("DBT_PROFILES_DIR", str(PROJECT_DIR))
        patch.delenv("WAREHOUSE_AS_OF_DATE", raising=False)
        patch.chdir(PROJECT_DIR)
        patch.syspath_prepend(str(PROJECT_DIR / "orchestration"))
        sys.modules.pop("definitions", None)
        module = importlib.import_module("definitions")
        yield module, work / "warehouse.duckdb"


def test_every_model_and_input_is_an_asset(definitions):
    module, _ = definitions
    keys = {"/".join(key.path) for key in module.defs.resolve_asset_graph().get_all_asset_keys()}
    for expected in [
        "shop/transactions",
        "billing/invoices",
        "fct_orders",
        "customer_scores",
        "customer_history",
    ]:
        assert expected in keys
    assert "nightly_summary" in keys


def test_the_schedule_asks_for_the_scheduled_day(definitions):
    from dagster import build_schedule_context

    module, _ = definitions
    when = dt.datetime(2026, 7, 1, 2, 0, tzinfo=dt.UTC)
    request = module.every_night(build_schedule_context(scheduled_execution_time=when))
    assert request.run_key == "2026-07-01"
    assert request.run_config["ops"]["warehouse_models"]["config"]["as_of_date"] == "2026-07-01"


def test_the_nightly_job_runs_in_process(definitions):
    module, database = definitions
    step = {"config": {"as_of_date": AS_OF.isoformat(), "load_date": AS_OF.isoformat()}}
    result = module.defs.resolve_job_def("nightly").execute_in_process(
        run_config={
            "ops": {name: step for name in ("raw_inputs", "warehouse_models", "nightly_summary")}
        }
    )
    assert result.success
    materialized = {
        "/".join(event.asset_key.path) for event in result.get_asset_materialization_events()
    }
    assert {
        "shop/transactions",
        "customer_scores",
        "customer_history",
        "nightly_summary",
    } <= materialized
    with duckdb.connect(str(database), read_only=True) as con:
        assert con.sql("select distinct as_of_date from customer_history").fetchall() == [(AS_OF,)]
