"""The nightly run and backfills, for people and for orchestrators.

The steps are defined once, here (``STEPS``, the methods of ``NightlyRun``), and run by
both the command line (``python -m customer_scoring nightly``/``build``, under the
warehouse lock) and the Dagster definitions (orchestration/definitions.py):

    settings -> input files -> validation -> source freshness -> dbt build -> summary

Source freshness compares the newest row of each source with the wall clock, so it runs
when the as-of date is today and is logged as skipped otherwise (replays, backfills).
Every step is logged as a JSON line in the run's folder, with the summary and dbt's run
results, and the exit code says what an orchestrator should do:

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

from customer_scoring import dbt
from customer_scoring.dbt import DbtRun

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
    line (or the same JSON, with json_output) through ``echo`` (default: stdout)."""

    run_dir: Path
    json_output: bool = False
    started: float = field(default_factory=time.perf_counter)
    echo: Callable[[str], None] | None = None

    def __post_init__(self) -> None:
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self.run_id = self.run_dir.name

    def event(self, step: str, status: str, message: str = "", **fields) -> None:
        """Log one event: step (a name of STEPS, or the command), status (started, ok,
        skipped, failed, succeeded...), a message and any JSON-serialisable fields."""
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
            line = json.dumps(record, default=str)
        else:
            detail = f" - {message}" if message else ""
            line = f"[{record['elapsed_s']:>7.1f} s] {step}: {status}{detail}"
        if self.echo is not None:
            self.echo(line)
        else:
            print(line, flush=True)

    def events(self) -> list[dict]:
        """Every event logged in this run folder so far, oldest first."""
        path = self.run_dir / "events.jsonl"
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


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


def classify(run: DbtRun) -> tuple[int, str] | None:
    """The exit code and message for a failed dbt run (customer_scoring.dbt.DbtRun), or
    None when it succeeded: a compilation, parsing or project error or a failed unit test
    -> EXIT_CONFIGURATION; a failed data test -> EXIT_DATA_QUALITY; anything else (the
    engine, the disk) -> EXIT_INFRASTRUCTURE."""
    if run.success:
        return None
    if run.exception is not None:
        name = type(run.exception).__name__
        config = any(
            word in name
            for word in ("Compilation", "Parsing", "Config", "Project", "Profile", "Yaml")
        )
        return (
            EXIT_CONFIGURATION if config else EXIT_INFRASTRUCTURE,
            f"{name}: {run.exception}",
        )

    def kind(item) -> str:  # model, test, unit_test, operation...
        node = getattr(item, "node", None)
        if node is not None:
            return str(node.resource_type)
        return str(getattr(item, "unique_id", "") or "").split(".")[0] or "operation"

    def name(item) -> str:
        node = getattr(item, "node", None)
        return node.name if node is not None else str(getattr(item, "unique_id", "") or "operation")

    nodes = run.results
    errors = [item for item in nodes if str(item.status) in ("error", "runtime error")]
    failed_tests = [item for item in nodes if str(item.status) == "fail" and kind(item) == "test"]
    failed_units = [
        item for item in nodes if str(item.status) == "fail" and kind(item) == "unit_test"
    ]
    if errors:
        message = str(errors[0].message)
        config = "Compilation Error" in message or "Parsing Error" in message
        if errors[0].message is None and run.errors:  # operations log their error instead
            lines = run.errors[0].splitlines()
            return (
                EXIT_CONFIGURATION if config else EXIT_INFRASTRUCTURE,
                (lines[0] + " " + " ".join(lines[1:2]).strip()).strip(),
            )
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
        # a test that explains its failure warns with its name first (the quality gate:
        # source, share, count, threshold, var, top reasons)
        said = [
            message
            for level, message in run.logged
            if level == "warn" and message.startswith(tuple(name(t) + ":" for t in failed_tests))
        ]
        return (
            EXIT_DATA_QUALITY,
            " ".join([f"{len(failed_tests)} data test(s) failed: {names}", *said]),
        )
    return (EXIT_INFRASTRUCTURE, "dbt failed without a node error (see events and dbt.log)")


def parse_manifest(dbt_vars: dict) -> object | None:
    """The project parsed with the parse-time part of ``dbt_vars`` (dbt.parse_time_vars:
    not the run's dates, which every run changes), or None when the parse fails. dbt's
    partial parsing then holds from one night to the next (8 s instead of 19 s on this
    project) and a backfill parses once for all its dates; each step passes the run's
    full vars, which dbt reads when it compiles SQL."""
    return dbt.invoke(["parse"], dbt.parse_time_vars(dbt_vars)).manifest


def run_dbt(
    args: list[str],
    step: str,
    log: RunLog,
    failure_code: int | None = None,
    manifest: object | None = None,
) -> DbtRun:
    """dbt ``args`` in this process (customer_scoring.dbt.invoke, on ``manifest`` when
    given: the project parsed before), logged as ``step``.

    Raises RunFailed with the classified exit code (or ``failure_code`` for any failure)
    and dbt's message when it fails; returns the DbtRun otherwise."""
    log.event(step, "started", " ".join(arg for arg in args if not arg.startswith("{")))
    run = dbt.invoke(args, manifest=manifest)
    outcome = classify(run)
    if outcome is not None:
        code, message = outcome
        raise RunFailed(failure_code or code, step, message)
    log.event(step, "ok", seconds=run.seconds)
    return run


def keep_artifacts(
    log: RunLog,
    names: tuple[str, ...] = ("run_results.json", "sources.json"),
    target: Path | None = None,
) -> None:
    """Copy dbt's artifacts ``names`` from ``target`` (dbt's target path: by default, as
    dbt chooses it, $DBT_TARGET_PATH or ``target``) to the run folder."""
    target = target or Path(os.environ.get("DBT_TARGET_PATH") or "target")
    for name in names:
        source = target / name
        if source.exists():
            shutil.copy2(source, log.run_dir / name)


STEPS = ("settings", "input files", "validation", "source freshness", "dbt build", "summary")


@dataclass
class NightlyOptions:
    """What one nightly run does: as_of (the scoring date), dbt_vars (every var passed to
    dbt, as_of_date and load_date included), validation_dir (where the Great Expectations
    report goes), full_refresh (rebuild the incremental facts whole; the history is
    never full-refreshed), progress (receives the validation's readable lines)."""

    as_of: dt.date
    dbt_vars: dict
    validation_dir: Path
    full_refresh: bool = False
    progress: Callable[[str], None] = print


class NightlyRun:
    """The steps of one nightly run (STEPS, in order), each a method that logs itself
    (started, then ok or skipped) in ``log`` and raises RunFailed with its exit code when
    it fails. ``run()`` runs them all; the Dagster assets run them in groups. The lock is
    the caller's. Values passed between steps (the rows validated) are also kept in the
    run folder, so steps run by different processes of one run can share them."""

    def __init__(self, options: NightlyOptions, log: RunLog):
        self.options, self.log = options, log
        self._parsed: object | None = None

    def manifest(self) -> object | None:
        """The project parsed once for the run's dbt steps, which would otherwise parse it
        again each (parse_manifest); None when the parse fails (the step's own invocation
        then parses and reports the error with its exit code)."""
        if self._parsed is None:
            self._parsed = parse_manifest(self.options.dbt_vars)
        return self._parsed

    def steps(self) -> list[Callable[[], object]]:
        """The step methods in STEPS order."""
        return [
            self.settings,
            self.input_files,
            self.validation,
            self.source_freshness,
            self.dbt_build,
            self.summary,
        ]

    def run(self) -> dict:
        """Every step in order. Returns the summary (see run_summary)."""
        for step in self.steps():
            result = step()
        return result

    def settings(self) -> None:
        """dbt's check_settings macro: the as-of and load dates, currency, weights...
        Fails with EXIT_CONFIGURATION."""
        run_dbt(
            ["run-operation", "check_settings", "--vars", self._vars()],
            "settings",
            self.log,
            EXIT_CONFIGURATION,
            self.manifest(),
        )

    def input_files(self) -> None:
        """dbt's check_raw_inputs macro: every input file exists, has rows, its required
        columns and parseable types. Fails with EXIT_DATA_QUALITY."""
        run_dbt(
            ["run-operation", "check_raw_inputs", "--vars", self._vars()],
            "input files",
            self.log,
            EXIT_DATA_QUALITY,
            self.manifest(),
        )

    def validation(self) -> dict[str, int]:
        """The Great Expectations suites (validate_inputs). Rows with problems do not fail
        the run (dbt quarantines them); an error of the engine or the disk fails it with
        EXIT_INFRASTRUCTURE. Returns the rows checked per input (input name -> rows)."""
        with self.step("validation", EXIT_INFRASTRUCTURE):
            rows_in = validate_inputs(
                self.options.dbt_vars,
                self.options.as_of,
                self.options.validation_dir,
                progress=self.options.progress,
            )
            (self.log.run_dir / "rows_in.json").write_text(json.dumps(rows_in, indent=2))
        self.log.event("validation", "ok", rows_checked=sum(rows_in.values()))
        return rows_in

    def source_freshness(self) -> None:
        """``dbt source freshness`` when the as-of date is today (it compares with the
        wall clock), else logged as skipped. A source past its error_after fails the run
        with EXIT_DATA_QUALITY. dbt's sources.json is kept in the run folder."""
        if self.options.as_of != dt.date.today():
            self.log.event("source freshness", "skipped", f"as of {self.options.as_of}, not today")
            return
        try:
            run_dbt(
                ["source", "freshness", "--vars", self._vars()],
                "source freshness",
                self.log,
                EXIT_DATA_QUALITY,
                self.manifest(),
            )
        finally:
            keep_artifacts(self.log, ("sources.json",))

    def build_command(self) -> list[str]:
        """The arguments of the dbt build step (shared with Dagster's dbt assets)."""
        return ["build", "--vars", self._vars()] + (
            ["--full-refresh"] if self.options.full_refresh else []
        )

    def dbt_build(self) -> None:
        """``dbt build``: seeds, models (incremental facts, then history), tests. Exit code
        from classify(); dbt's run_results.json is kept in the run folder."""
        try:
            run_dbt(self.build_command(), "dbt build", self.log, manifest=self.manifest())
        finally:
            keep_artifacts(self.log, ("run_results.json",))

    def summary(self) -> dict:
        """run_summary as of the run's date, written to summary.json in the run folder."""
        with self.step("summary", EXIT_INFRASTRUCTURE):
            kept = self.log.run_dir / "rows_in.json"
            rows_in = json.loads(kept.read_text()) if kept.exists() else {}
            summary = run_summary(self.options.as_of, rows_in)
            (self.log.run_dir / "summary.json").write_text(
                json.dumps(summary, indent=2, default=str)
            )
        self.log.event("summary", "ok")
        return summary

    @contextmanager
    def step(self, name: str, failure_code: int) -> Iterator[None]:
        """Log ``name`` as started; turn any exception other than RunFailed into RunFailed
        with ``failure_code``. The caller logs the step's outcome."""
        self.log.event(name, "started")
        try:
            yield
        except RunFailed:
            raise
        except Exception as error:
            raise RunFailed(failure_code, name, f"{type(error).__name__}: {error}") from error

    def _vars(self) -> str:
        return json.dumps(self.options.dbt_vars, default=str)


def nightly(options: NightlyOptions, log: RunLog) -> dict:
    """The nightly run: every step of NightlyRun in order (the lock is the caller's).
    Returns the summary; raises RunFailed at the first step that fails."""
    return NightlyRun(options, log).run()


def validate_inputs(
    dbt_vars: dict, as_of: dt.date, out_dir: Path, progress: Callable[[str], None] = print
) -> dict[str, int]:
    """The Great Expectations suites on the run's input files (customer_scoring.validate),
    report in ``out_dir``. Returns the rows checked per input (input name -> rows).
    Raises what the validation raises (the engine, the disk); rows with problems do not
    raise: they are counted and dbt quarantines them."""
    from customer_scoring.validate import Inputs, validate

    demo_dir = Path(os.environ.get("WAREHOUSE_DEMO_DIR", "data/demo"))
    inputs = Inputs.from_vars(dbt_vars, demo_dir)
    report = validate(
        inputs,
        as_of,
        out_dir,
        reporting_currency=str(dbt_vars.get("reporting_currency", "EUR")).upper(),
        max_line_amount=float(dbt_vars.get("max_line_amount", 1_000_000)),
        progress=progress,
    )
    failed = [check for check in report.checks if not check.success]
    progress(
        f"  {sum(report.rows_checked.values()):,} rows checked in {report.seconds:.1f} s; "
        f"{len(failed)} of {len(report.checks)} expectations found rows that dbt will "
        f"quarantine; report in {out_dir}"
    )
    for check in failed:
        progress(
            f"    {check.input}.{check.column}: {check.unexpected:,} rows -> {check.handled_as}"
        )
    return dict(report.rows_checked)


def run_summary(as_of: dt.date, rows_in: dict[str, int]) -> dict:
    """Rows in and rejected, customers per segment, moves since the previous as-of date,
    and the scores whose back-test figures moved beyond var drift_thresholds."""
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
        # back-test figures that moved beyond var drift_thresholds since the previous date
        # (score_drift; absent where the lifetime models are off)
        drift = []
        if con.sql(
            "select count(*) from duckdb_tables() where table_name = 'score_drift'"
        ).fetchall()[0][0]:
            drift = con.sql(
                "select score_name, metric, previous_metric_value, metric_value from score_drift "
                "where is_beyond_threshold order by score_name, metric"
            ).fetchall()
    return {
        "as_of_date": as_of.isoformat(),
        "rows_in": rows_in,
        "rows_rejected": {name: int(count) for name, count in rejected},
        "customers_per_segment": {name: int(count) for name, count in segments},
        "previous_as_of_date": moves[0],
        "segment_moves": int(moves[1]),
        "new_customers": int(moves[2]),
        "history_dates": int(history_dates),
        "score_drift": [
            {"score": score, "metric": metric, "from": float(before), "to": float(after)}
            for score, metric, before, after in drift
        ],
    }


def backfill_dates(start: dt.date, end: dt.date, every_days: int) -> list[dt.date]:
    """start, start + every_days, ... up to end (inclusive). Raises RunFailed
    (EXIT_CONFIGURATION) when end is before start or every_days < 1."""
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
    manifest = parse_manifest(dbt_vars)  # one parse for every date (dates are run-time vars)
    for number, as_of in enumerate(dates, start=1):
        started = time.perf_counter()
        run_vars = {**dbt_vars, "as_of_date": as_of.isoformat()}
        run_dbt(
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
            manifest=manifest,
        )
        done.append(
            {"as_of_date": as_of.isoformat(), "seconds": round(time.perf_counter() - started, 1)}
        )
    with duckdb.connect(database) as con:
        latest = con.sql("select max(as_of_date) from customer_history").fetchall()[0][0]
    if latest is not None and latest > dates[-1]:
        run_vars = {**dbt_vars, "as_of_date": latest.isoformat()}
        run_dbt(
            ["build", "--vars", json.dumps(run_vars)],
            f"current marts back to {latest}",
            log,
            manifest=manifest,
        )
    return done


def run_folder(as_of: dt.date, command: str, run_id: str | None = None) -> Path:
    """The folder of one run's log, artifacts and reports, under $WAREHOUSE_RUNS_DIR
    (default data/runs): <UTC time>_<command>_<as-of>, or <command>_<as-of>_<run_id> when
    the caller names the run (the Dagster assets of one run share a folder this way)."""
    runs = Path(os.environ.get("WAREHOUSE_RUNS_DIR", "data/runs"))
    if run_id:
        return runs / f"{command}_{as_of}_{run_id}"
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    return runs / f"{stamp}_{command}_{as_of}"


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
