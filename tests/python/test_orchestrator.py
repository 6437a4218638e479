"""The Dagster definitions load, map every dbt model and every dbt source to an asset, and
run the nightly job in-process on a small demo warehouse: the same steps, in the same
order, source freshness included, as the command line's nightly run."""

from __future__ import annotations

import datetime as dt
import importlib
import json
import sys
from pathlib import Path

import duckdb
import pytest
from conftest import PROJECT_DIR

from customer_scoring.demo import DemoConfig, generate
from customer_scoring.nightly import STEPS

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


def steps_logged(run_dir: Path) -> list[tuple[str, str]]:
    """(step, status) of the nightly steps a run folder logged, in order."""
    events = [json.loads(line) for line in (run_dir / "events.jsonl").read_text().splitlines()]
    return [(event["step"], event["status"]) for event in events if event["step"] in STEPS]


def test_every_model_and_input_is_an_asset(definitions):
    module, _ = definitions
    keys = {"/".join(key.path) for key in module.defs.resolve_asset_graph().get_all_asset_keys()}
    # the raw inputs are the manifest's sources, not a list of their own
    manifest = json.loads(module.project.manifest_path.read_text())
    sources = {f"{props['source_name']}/{props['name']}" for props in manifest["sources"].values()}
    assert len(sources) >= 13
    assert {"/".join(spec.key.path) for spec in module.RAW_INPUTS} == sources
    assert sources <= keys
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


@pytest.mark.slow  # runs the nightly job (./run test only)
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
    runs = database.parent / "runs"
    (dagster_run,) = runs.glob("dagster_*")
    logged = steps_logged(dagster_run)
    # as of a past date, source freshness (it compares with the wall clock) is skipped; the
    # command line's nightly run logs the same (tests/python/test_nightly.py, killed run)
    assert logged == [
        (step, status)
        for step in STEPS
        for status in (("skipped",) if step == "source freshness" else ("started", "ok"))
    ]
    assert (dagster_run / "summary.json").exists()


@pytest.mark.parametrize("fresh", [True, False])
def test_the_raw_inputs_check_source_freshness_as_of_today(
    definitions, tmp_path, monkeypatch, fresh
):
    """As of today the raw_inputs asset runs dbt source freshness, as the command line
    does: files generated as of today pass; the demo files of June are stale and fail the
    asset at that step with exit code 65, before anything is built."""
    from dagster import materialize

    module, database = definitions
    today = dt.date.today()
    demo = database.parent / "demo"
    if fresh:
        demo = tmp_path / "demo"
        config = DemoConfig(customers=300, years=1.0, seed=9, as_of=today)
        generate(config, demo, progress=lambda *_: None)
    monkeypatch.setenv("WAREHOUSE_DEMO_DIR", str(demo))
    monkeypatch.setenv("WAREHOUSE_PATH", str(tmp_path / "warehouse.duckdb"))
    monkeypatch.setenv("WAREHOUSE_RUNS_DIR", str(tmp_path / "runs"))
    step = {"config": {"as_of_date": today.isoformat(), "load_date": today.isoformat()}}
    result = materialize(
        [module.raw_inputs], run_config={"ops": {"raw_inputs": step}}, raise_on_error=False
    )
    (run_dir,) = (tmp_path / "runs").glob("dagster_*")
    checks = list(STEPS[: STEPS.index("source freshness")])
    logged = steps_logged(run_dir)
    assert (run_dir / "sources.json").exists()
    if fresh:
        assert result.success
        assert logged == [(step, status) for step in [*checks, "source freshness"]
                          for status in ("started", "ok")]  # fmt: skip
    else:
        assert not result.success
        assert logged == [(step, status) for step in checks for status in ("started", "ok")] + [
            ("source freshness", "started"),
            ("source freshness", "failed"),
        ]
        events = [json.loads(line) for line in (run_dir / "events.jsonl").read_text().splitlines()]
        assert events[-1]["exit_code"] == 65
