"""Dagster definitions for the nightly run: every raw input file and every dbt model is an
asset, so lineage, freshness and failures show per table in the Dagster UI.

    pip install -r requirements-orchestrator.txt
    DBT_PROFILES_DIR=. dagster dev -f orchestration/definitions.py

Assets, in order (Dagster derives the order from dbt's own graph):
- raw_inputs: one asset per dbt source (shop/transactions, crm/customers, ...). Running
  them checks the settings and the files and validates them with Great Expectations, as
  the `nightly` command does; row counts land as metadata.
- the dbt models, seeds and tests (dagster-dbt): `dbt build` as of the run's date, under
  the warehouse lock, so a command-line run and a Dagster run never write at once.
- nightly_summary: rows in, rows rejected, customers per segment and moves, as metadata.

The schedule runs the job every night (02:00, DAGSTER_NIGHTLY_TIMEZONE, default UTC) as of
the scheduled day. The same steps and the same exit rules as `python -m customer_scoring
nightly`: a failed step fails the run with its message.
"""

import datetime as dt
import json
import os
import sys
from pathlib import Path

from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetSpec,
    Config,
    Definitions,
    MaterializeResult,
    RunRequest,
    ScheduleEvaluationContext,
    asset,
    define_asset_job,
    multi_asset,
    schedule,
)
from dagster_dbt import DbtCliResource, DbtProject, dbt_assets

from customer_scoring.nightly import (
    RunFailed,
    RunLog,
    lock_path,
    run_folder,
    run_summary,
    warehouse_lock,
)
from customer_scoring.postgres import SOURCES

PROJECT_DIR = Path(__file__).resolve().parents[1]
# the dbt of this Python environment (the venv need not be activated)
DBT = (
    str(Path(sys.executable).with_name("dbt"))
    if Path(sys.executable).with_name("dbt").exists()
    else "dbt"
)
project = DbtProject(project_dir=PROJECT_DIR, profiles_dir=PROJECT_DIR)
if not project.manifest_path.exists():
    # dagster-dbt reads the graph from dbt's manifest: parse once when there is none
    DbtCliResource(project_dir=project, dbt_executable=DBT).cli(["parse", "--quiet"]).wait()


class NightlyConfig(Config):
    as_of_date: str = ""  # YYYY-MM-DD; empty: today
    load_date: str = ""  # the day the files were received; empty: today


def _vars(config: NightlyConfig) -> dict:
    today = dt.date.today().isoformat()
    return {"as_of_date": config.as_of_date or today, "load_date": config.load_date or today}


def _log(config: NightlyConfig, step: str) -> RunLog:
    return RunLog(run_folder(dt.date.fromisoformat(_vars(config)["as_of_date"]), f"dagster-{step}"))


@multi_asset(
    specs=[
        AssetSpec(AssetKey([source, name]), group_name="raw_inputs")
        for name, source in SOURCES.items()
    ],
    name="raw_inputs",
)
def raw_inputs(context: AssetExecutionContext, config: NightlyConfig, dbt: DbtCliResource):
    """Settings, input files and Great Expectations validation of every raw input."""
    from customer_scoring.cli import validate_inputs

    dbt_vars = _vars(config)
    log = _log(config, "validation")
    vars_json = json.dumps(dbt_vars)
    # dbt in a subprocess, as for the models: an in-process dbt-duckdb keeps the warehouse
    # file open, and the build that follows could not lock it
    for operation, step in [("check_settings", "settings"), ("check_raw_inputs", "input files")]:
        log.event(step, "started")
        invocation = dbt.cli(
            ["run-operation", operation, "--vars", vars_json], raise_on_error=False
        )
        invocation.wait()
        if not invocation.is_successful():
            log.event(step, "failed")
            raise RuntimeError(f"{step}: {invocation.get_error()}")
        log.event(step, "ok")
    rows = validate_inputs(
        dbt_vars,
        dt.date.fromisoformat(dbt_vars["as_of_date"]),
        log.run_dir / "validation",
        context.log.info,
    )
    for name, source in SOURCES.items():
        if name in rows:
            yield MaterializeResult(
                asset_key=AssetKey([source, name]), metadata={"rows": rows[name]}
            )
        else:
            yield MaterializeResult(
                asset_key=AssetKey([source, name]), metadata={"rows": 0, "note": "no file"}
            )


@dbt_assets(manifest=project.manifest_path, project=project)
def warehouse_models(context: AssetExecutionContext, dbt: DbtCliResource, config: NightlyConfig):
    """dbt build of the selected models as of the run's date, under the warehouse lock."""
    as_of = _vars(config)["as_of_date"]
    holder = {"pid": os.getpid(), "command": "dagster", "as_of": as_of, "run_id": context.run_id}
    try:
        with warehouse_lock(lock_path(), holder):
            yield from dbt.cli(
                ["build", "--vars", json.dumps(_vars(config))], context=context
            ).stream()
    except RunFailed as failure:  # already running: fail this step with the holder's name
        raise RuntimeError(str(failure)) from failure


@asset(
    deps=[
        AssetKey(["customer_history"]),
        AssetKey(["segment_transitions"]),
        AssetKey(["segment_sizes"]),
    ]
)
def nightly_summary(config: NightlyConfig) -> MaterializeResult:
    """Rows in and rejected, customers per segment, moves since the previous as-of date."""
    as_of = dt.date.fromisoformat(_vars(config)["as_of_date"])
    summary = run_summary(as_of, {})
    return MaterializeResult(
        metadata={
            "as_of_date": summary["as_of_date"],
            "rows_rejected": sum(summary["rows_rejected"].values()),
            "segment_moves": summary["segment_moves"],
            "new_customers": summary["new_customers"],
            "customers_per_segment": summary["customers_per_segment"],
            "history_dates": summary["history_dates"],
        }
    )


nightly_job = define_asset_job("nightly", selection="*")


@schedule(
    job=nightly_job,
    cron_schedule="0 2 * * *",
    execution_timezone=os.environ.get("DAGSTER_NIGHTLY_TIMEZONE", "UTC"),
)
def every_night(context: ScheduleEvaluationContext) -> RunRequest:
    day = context.scheduled_execution_time.date().isoformat()
    step_config = {"config": {"as_of_date": day, "load_date": day}}
    return RunRequest(
        run_key=day,
        run_config={
            "ops": {
                name: step_config for name in ("raw_inputs", "warehouse_models", "nightly_summary")
            }
        },
    )


defs = Definitions(
    assets=[raw_inputs, warehouse_models, nightly_summary],
    jobs=[nightly_job],
    schedules=[every_night],
    resources={"dbt": DbtCliResource(project_dir=project, dbt_executable=DBT)},
)
