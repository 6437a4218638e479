"""The nightly run and backfills, for people and for orchestrators.

A run holds the warehouse lock, then: settings → input files → validation → source
freshness → dbt build (incremental facts, then history) → a summary. Every step is logged
as a JSON line in the run's folder, with the summary and dbt's run results, and the
exit code says what an orchestrator should do:

    0   success
    65  data-quality failure: an input file unusable, data stale, or a data test failed
    69  infrastructure error: the engine, the disk or the warehouse file failed
    75  already running: another run holds the warehouse; retry later
    78  configuration error: a setting, a var or the project is wrong; fix it first

(sysexits.h codes, so schedulers that know them retry 75 and stop on 78.)
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

EXIT_OK = 0
EXIT_DATA_QUALITY = 65
EXIT_INFRASTRUCTURE = 69
EXIT_ALREADY_RUNNING = 75
EXIT_CONFIGURATION = 78

# Models that hold history or read it: a backfill builds these and what they depend on.
HISTORY_SELECTION = "+customer_history+"


class RunFailed(Exception):
    """A step failed; code is the exit code."""

    def __init__(self, code: int, step: str, message: str):
        super().__init__(message)
        self.code, self.step = code, step


@dataclass
class RunLog:
    """Structured log of one run: JSON lines in <run_dir>/events.jsonl, and a readable
    line (or the same JSON, with json_output) on stdout."""

    run_dir: Path
    json_output: bool = False
    started: float = field(default_factory=time.perf_counter)

    def __post_init__(self) -> None:
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self.run_id = self.run_dir.name

    def event(self, step: str, status: str, message: str = "", **fields) -> None:
        record = {
            "time": dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds"),
            "run_id": self.run_id,
            "step": step,
            "status": status,
            "elapsed_s": round(time.perf_counter() - self.started, 2),
            **({"message": message} if message else {}),
            **fields,
        }
        with (self.run_dir / "events.jsonl").open("a") as handle:
            handle.write(json.dumps(record, default=str) + "\n")
        if self.json_output:
            print(json.dumps(record, default=str), flush=True)
        else:
            detail = f" - {message}" if message else ""
            print(f"[{record['elapsed_s']:>7.1f} s] {step}: {status}{detail}", flush=True)


@contextmanager
def warehouse_lock(lock_path: Path, holder: dict) -> Iterator[None]:
    """Hold an exclusive lock on the warehouse for the whole run. A second run fails at
    once with who holds it; the lock dies with its process, so a killed run never leaves
    the warehouse locked."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    handle = lock_path.open("a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        found = handle.read().strip() or "another process"
        handle.close()
        raise RunFailed(
            EXIT_ALREADY_RUNNING,
            "lock",
            f"already running: the warehouse is held by {found}; retry when it has finished",
        ) from None
    try:
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps(holder, default=str))
        handle.flush()
        yield
    finally:
        handle.seek(0)
        handle.truncate()
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


def lock_path() -> Path:
    """The lock beside the DuckDB file (or, for other targets, in data/)."""
    target = os.environ.get("WAREHOUSE_TARGET", "duckdb")
    if target == "duckdb":
        return Path(os.environ.get("WAREHOUSE_PATH", "data/warehouse.duckdb") + ".lock")
    return Path("data") / f"warehouse-{target}.lock"


def classify(result) -> tuple[int, str] | None:
    """The exit code and message for a dbtRunner result, or None when it succeeded."""
    if result.success:
        return None
    if result.exception is not None:
        name = type(result.exception).__name__
        config = any(
            word in name
            for word in ("Compilation", "Parsing", "Config", "Project", "Profile", "Yaml")
        )
        return (
            EXIT_CONFIGURATION if config else EXIT_INFRASTRUCTURE,
            f"{name}: {result.exception}",
        )
    nodes = getattr(result.result, "results", None) or []

    def kind(item) -> str:  # model, test, unit_test, operation...
        node = getattr(item, "node", None)
        if node is not None:
            return str(node.resource_type)
        return str(getattr(item, "unique_id", "") or "").split(".")[0] or "operation"

    def name(item) -> str:
        node = getattr(item, "node", None)
        return node.name if node is not None else str(getattr(item, "unique_id", "") or "operation")

    errors = [item for item in nodes if str(item.status) in ("error", "runtime error")]
    failed_tests = [item for item in nodes if str(item.status) == "fail" and kind(item) == "test"]
    failed_units = [
        item for item in nodes if str(item.status) == "fail" and kind(item) == "unit_test"
    ]
    if errors:
        message = str(errors[0].message)
        config = "Compilation Error" in message or "Parsing Error" in message
        return (
            EXIT_CONFIGURATION if config else EXIT_INFRASTRUCTURE,
            f"{name(errors[0])}: {message}",
        )
    if failed_units:
        return (
            EXIT_CONFIGURATION,
            f"unit test {name(failed_units[0])} failed: the models do not compute as specified",
        )
    if failed_tests:
        names = ", ".join(name(item) for item in failed_tests[:5])
        return (EXIT_DATA_QUALITY, f"{len(failed_tests)} data test(s) failed: {names}")
    return (EXIT_INFRASTRUCTURE, "dbt failed without a node error (see events and dbt.log)")


def dbt(args: list[str], step: str, log: RunLog, failure_code: int | None = None):
    """Run dbt in this process; raise RunFailed with the classified exit code (or
    failure_code for any failure) when it fails."""
    from dbt.cli.main import dbtRunner

    log.event(step, "started", " ".join(arg for arg in args if not arg.startswith("{")))
    started = time.perf_counter()
    logged: list[str] = []

    def collect(event) -> None:
        if event.info.level == "error" and event.info.msg.strip():
            logged.append(event.info.msg.strip())

    result = dbtRunner(callbacks=[collect]).invoke(args)
    outcome = classify(result)
    if outcome is not None:
        code, message = outcome
        if message.endswith(": None") and logged:  # operations report their error as a log event
            message = (
                logged[0].splitlines()[0] + " " + " ".join(logged[0].splitlines()[1:2]).strip()
            )
        raise RunFailed(failure_code or code, step, message)
    log.event(step, "ok", seconds=round(time.perf_counter() - started, 2))
    return result


def keep_artifacts(
    log: RunLog, names: tuple[str, ...] = ("run_results.json", "sources.json")
) -> None:
    for name in names:
        source = Path("target") / name
        if source.exists():
            shutil.copy2(source, log.run_dir / name)


@dataclass
class NightlyOptions:
    as_of: dt.date
    dbt_vars: dict
    validate: Callable[[RunLog], dict[str, int]]  # returns rows checked per input
    full_refresh: bool = False


def nightly(options: NightlyOptions, log: RunLog) -> dict:
    """The nightly run (the lock is the caller's). Returns the summary."""
    vars_json = json.dumps(options.dbt_vars)
    dbt(
        ["run-operation", "check_settings", "--vars", vars_json],
        "settings",
        log,
        EXIT_CONFIGURATION,
    )
    dbt(
        ["run-operation", "check_raw_inputs", "--vars", vars_json],
        "input files",
        log,
        EXIT_DATA_QUALITY,
    )
    log.event("validation", "started")
    try:
        rows_in = options.validate(log)
    except Exception as error:  # the engine or the disk, not the data: the data are quarantined
        raise RunFailed(
            EXIT_INFRASTRUCTURE, "validation", f"{type(error).__name__}: {error}"
        ) from error
    log.event("validation", "ok", rows_checked=sum(rows_in.values()))
    if options.as_of == dt.date.today():
        dbt(
            ["source", "freshness", "--vars", vars_json], "source freshness", log, EXIT_DATA_QUALITY
        )
        keep_artifacts(log, ("sources.json",))
    else:
        log.event("source freshness", "skipped", f"as of {options.as_of}, not today")
    build = ["build", "--vars", vars_json] + (["--full-refresh"] if options.full_refresh else [])
    try:
        dbt(build, "dbt build", log)
    finally:
        keep_artifacts(log, ("run_results.json",))
    summary = run_summary(options.as_of, rows_in)
    (log.run_dir / "summary.json").write_text(json.dumps(summary, indent=2, default=str))
    return summary


def run_summary(as_of: dt.date, rows_in: dict[str, int]) -> dict:
    """Rows in and rejected, customers per segment, moves since the previous as-of date."""
    import duckdb

    database = os.environ.get("WAREHOUSE_PATH", "data/warehouse.duckdb")
    with duckdb.connect(database) as con:
        rejected = con.sql(
            "select source_name, sum(quarantined_rows) from data_quality_summary "
            "group by 1 order by 1"
        ).fetchall()
        segments = con.sql(
            "select segment, customers from segment_sizes where as_of_date = ? "
            "order by customers desc",
            params=[as_of],
        ).fetchall()
        moves = con.sql(
            "select min(from_date), "
            "coalesce(sum(case when is_move and from_segment != '(new)' then customers end), 0), "
            "coalesce(sum(case when from_segment = '(new)' then customers end), 0) "
            "from segment_transitions where to_date = ?",
            params=[as_of],
        ).fetchall()[0]
        history_dates = con.sql(
            "select count(distinct as_of_date) from customer_history"
        ).fetchall()[0][0]
    return {
        "as_of_date": as_of.isoformat(),
        "rows_in": rows_in,
        "rows_rejected": {name: int(count) for name, count in rejected},
        "customers_per_segment": {name: int(count) for name, count in segments},
        "previous_as_of_date": moves[0],
        "segment_moves": int(moves[1]),
        "new_customers": int(moves[2]),
        "history_dates": int(history_dates),
    }


def backfill_dates(start: dt.date, end: dt.date, every_days: int) -> list[dt.date]:
    if end < start:
        raise RunFailed(EXIT_CONFIGURATION, "backfill", f"--to {end} is before --from {start}")
    if every_days < 1:
        raise RunFailed(EXIT_CONFIGURATION, "backfill", "--every must be at least 1 day")
    count = (end - start).days // every_days + 1
    return [start + dt.timedelta(days=every_days * k) for k in range(count)]


def backfill(dates: list[dt.date], dbt_vars: dict, log: RunLog) -> list[dict]:
    """Recompute the history of each date (the lock is the caller's). Rerunning a date
    replaces its rows. The current marts end as of the latest date of the history."""
    import duckdb

    database = os.environ.get("WAREHOUSE_PATH", "data/warehouse.duckdb")
    done = []
    for number, as_of in enumerate(dates, start=1):
        started = time.perf_counter()
        run_vars = {**dbt_vars, "as_of_date": as_of.isoformat()}
        dbt(
            [
                "build",
                "--select",
                HISTORY_SELECTION,
                "--indirect-selection",
                "cautious",
                "--vars",
                json.dumps(run_vars),
            ],
            f"as of {as_of} ({number} of {len(dates)})",
            log,
        )
        done.append(
            {"as_of_date": as_of.isoformat(), "seconds": round(time.perf_counter() - started, 1)}
        )
    with duckdb.connect(database) as con:
        latest = con.sql("select max(as_of_date) from customer_history").fetchall()[0][0]
    if latest is not None and latest > dates[-1]:
        run_vars = {**dbt_vars, "as_of_date": latest.isoformat()}
        dbt(["build", "--vars", json.dumps(run_vars)], f"current marts back to {latest}", log)
    return done


def run_folder(as_of: dt.date, command: str) -> Path:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    return Path(os.environ.get("WAREHOUSE_RUNS_DIR", "data/runs")) / f"{stamp}_{command}_{as_of}"


def run_guarded(command: str, as_of: dt.date, log: RunLog, work: Callable[[], object]) -> int:
    """Run work under the warehouse lock; log the outcome and return the exit code."""
    holder = {
        "pid": os.getpid(),
        "command": command,
        "as_of": as_of,
        "run_id": log.run_id,
        "since": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    try:
        with warehouse_lock(lock_path(), holder):
            log.event("lock", "ok", str(lock_path()))
            result = work()
    except RunFailed as failure:
        log.event(failure.step, "failed", str(failure), exit_code=failure.code)
        print(
            f"{command} failed at '{failure.step}' (exit {failure.code}): {failure}",
            file=sys.stderr,
        )
        return failure.code
    except KeyboardInterrupt:
        log.event(command, "interrupted", exit_code=130)
        return 130
    except Exception as error:  # anything unforeseen is the machine's, not the data's
        log.event(
            command, "failed", f"{type(error).__name__}: {error}", exit_code=EXIT_INFRASTRUCTURE
        )
        print(
            f"{command} failed (exit {EXIT_INFRASTRUCTURE}): {type(error).__name__}: {error}",
            file=sys.stderr,
        )
        return EXIT_INFRASTRUCTURE
    log.event(command, "succeeded", exit_code=EXIT_OK, result=result)
    return EXIT_OK
