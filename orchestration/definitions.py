"""Dagster definitions for the nightly run: every raw input file and every dbt model is an
asset, so lineage, freshness and failures show per table in the Dagster UI.

    pip install -r requirements-orchestrator.txt
    DBT_PROFILES_DIR=. dagster dev -f orchestration/definitions.py

The steps are the nightly run's own (customer_scoring.nightly.NightlyRun, the same code
``python -m customer_scoring nightly`` runs), grouped in three assets:

- raw_inputs: one asset per dbt source table, read from dbt's manifest (the sources'
  YAML is their one home). Runs the steps settings, input files, validation (Great
  Expectations) and source freshness; rows checked land as metadata.
- the dbt models, seeds and tests (dagster-dbt): the dbt build step, with the nightly
  run's build command, streamed through DbtCliResource so each model is its own event.
- nightly_summary: the summary step (rows in and rejected, customers per segment, moves).

Each asset holds the warehouse lock while it runs, so a command-line run and a Dagster
run never write at once, and logs its steps in one run folder per Dagster run
(data/runs/dagster_<as-of>_<run id>/events.jsonl), as the command line does. A failed
step fails the asset with its message and exit code (metadata). The schedule runs the
job every night (02:00, DAGSTER_NIGHTLY_TIMEZONE, default UTC) as of the scheduled day.
"""

import datetime as dt
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import yaml
from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetSpec,
    Config,
    Definitions,
    Failure,
    MaterializeResult,
    RunRequest,
    ScheduleEvaluationContext,
    asset,
    define_asset_job,
    multi_asset,
    schedule,
)
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from customer_scoring import dbt as dbt_runner
from customer_scoring.dbt import DbtRun
from customer_scoring.nightly import (
    EXIT_INFRASTRUCTURE,
    NightlyOptions,
    NightlyRun,
    RunFailed,
    RunLog,
    classify,
    keep_artifacts,
    lock_path,
    run_folder,
    warehouse_lock,
)

PROJECT_DIR = dbt_runner.PROJECT_DIR
project = DbtProject(project_dir=PROJECT_DIR, profiles_dir=PROJECT_DIR)


def _parse_when_stale() -> None:
    """dagster-dbt reads the graph from dbt's manifest: parse when there is none or when
    the project changed since (so a source added to the YAML becomes an asset)."""
    project_yml = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())
    folders = [
        folder
        for key in ("model-paths", "macro-paths", "seed-paths", "test-paths", "snapshot-paths")
        for folder in project_yml.get(key, [])
    ]
    files = [PROJECT_DIR / "dbt_project.yml"]
    for folder in folders:
        files += (PROJECT_DIR / folder).rglob("*")
    suffixes = {".sql", ".py", ".yml", ".yaml", ".csv", ".md"}
    newest = max(path.stat().st_mtime for path in files if path.suffix in suffixes)
    manifest = project.manifest_path
    if manifest.exists() and manifest.stat().st_mtime >= newest:
        return
    run = dbt_runner.invoke(
        ["parse", "--quiet", "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR)],
        cwd=PROJECT_DIR,
    )
    if not run.success:
        raise RuntimeError(f"dbt parse failed: {run.messages}")


_parse_when_stale()
TRANSLATOR = DagsterDbtTranslator()


def raw_input_specs(manifest: dict) -> list[AssetSpec]:
    """One asset spec per source table of the dbt manifest, keyed as dagster-dbt keys the
    sources the models depend on ([source, table]), described as in the YAML."""
    return [
        AssetSpec(
            TRANSLATOR.get_asset_key(props),
            group_name="raw_inputs",
            description=props.get("description") or None,
            metadata={"input": props["name"]},
        )
        for _, props in sorted(manifest["sources"].items())
    ]


RAW_INPUTS = raw_input_specs(json.loads(project.manifest_path.read_text()))


class NightlyConfig(Config):
    as_of_date: str = ""  # YYYY-MM-DD; empty: today
    load_date: str = ""  # the day the files were received; empty: today


def _night(context: AssetExecutionContext, config: NightlyConfig) -> NightlyRun:
    """The nightly run of this Dagster run: the same options the command line builds, a
    run folder shared by the assets of the run, progress to Dagster's log."""
    today = dt.date.today().isoformat()
    dbt_vars = {"as_of_date": config.as_of_date or today, "load_date": config.load_date or today}
    as_of = dt.date.fromisoformat(dbt_vars["as_of_date"])
    log = RunLog(run_folder(as_of, "dagster", run_id=context.run.run_id), echo=context.log.info)
    options = NightlyOptions(
        as_of=as_of,
        dbt_vars=dbt_vars,
        validation_dir=log.run_dir / "validation",
        progress=context.log.info,
    )
    return NightlyRun(options, log)


@contextmanager
def _steps_of(night: NightlyRun, context: AssetExecutionContext) -> Iterator[None]:
    """Run some steps in the project directory under the warehouse lock; a failed step is
    logged as the command line logs it and fails the asset with its exit code."""
    holder = {
        "pid": os.getpid(),
        "command": "dagster",
        "as_of": night.options.as_of,
        "run_id": context.run.run_id,
    }
    saved = Path.cwd()
    os.chdir(PROJECT_DIR)  # relative paths (profiles, demo files) resolve from here
    try:
        with warehouse_lock(lock_path(), holder):
            yield
    except RunFailed as failure:
        night.log.event(failure.step, "failed", str(failure), exit_code=failure.code)
        raise Failure(
            description=f"{failure.step}: {failure}",
            metadata={"step": failure.step, "exit_code": failure.code},
        ) from failure
    finally:
        os.chdir(saved)


@multi_asset(specs=RAW_INPUTS, name="raw_inputs")
def raw_inputs(context: AssetExecutionContext, config: NightlyConfig):
    """Steps settings, input files, validation and source freshness of the nightly run."""
    night = _night(context, config)
    with _steps_of(night, context):
        night.settings()
        night.input_files()
        rows = night.validation()
        night.source_freshness()
    for spec in RAW_INPUTS:
        name = spec.metadata["input"]
        note = {} if name in rows else {"note": "no file"}
        yield MaterializeResult(asset_key=spec.key, metadata={"rows": rows.get(name, 0), **note})


@dbt_assets(manifest=project.manifest_path, project=project)
def warehouse_models(context: AssetExecutionContext, dbt: DbtCliResource, config: NightlyConfig):
    """The dbt build step of the nightly run, one Dagster event per model, seed and test."""
    night = _night(context, config)
    with _steps_of(night, context), night.step("dbt build", EXIT_INFRASTRUCTURE):
        invocation = dbt.cli(night.build_command(), context=context, raise_on_error=False)
        yield from invocation.stream()
        keep_artifacts(night.log, ("run_results.json",), invocation.target_path)
        if not invocation.is_successful():
            code, message = _classified(invocation)
            raise RunFailed(code, "dbt build", message)
    night.log.event("dbt build", "ok")


def _classified(invocation) -> tuple[int, str]:
    """Exit code and message of a failed dbt subprocess, from its run_results.json, by the
    nightly run's own rules (nightly.classify)."""
    try:
        results = invocation.get_artifact("run_results.json")["results"]
    except Exception:  # dbt stopped before writing results: compilation, profile...
        return EXIT_INFRASTRUCTURE, str(invocation.get_error())
    nodes = [
        SimpleNamespace(status=item["status"], unique_id=item["unique_id"], message=item["message"])
        for item in results
    ]
    outcome = classify(DbtRun(command=[], success=False, results=nodes))
    return outcome or (EXIT_INFRASTRUCTURE, str(invocation.get_error()))


@asset(
    deps=[
        AssetKey(["customer_history"]),
        AssetKey(["segment_transitions"]),
        AssetKey(["segment_sizes"]),
    ]
)
def nightly_summary(context: AssetExecutionContext, config: NightlyConfig) -> MaterializeResult:
    """The summary step: rows in and rejected, customers per segment, moves since the
    previous as-of date."""
    night = _night(context, config)
    with _steps_of(night, context):
        summary = night.summary()
    return MaterializeResult(
        metadata={
            "as_of_date": summary["as_of_date"],
            "rows_in": sum(summary["rows_in"].values()),
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
    resources={"dbt": DbtCliResource(project_dir=project, dbt_executable=dbt_runner.executable())},
)
