"""The one way this package runs dbt: in this process, messages collected, file released.

    from customer_scoring import dbt
    run = dbt.invoke(["build", "--select", "customer_rfm"], vars={"as_of_date": "2026-06-30"})
    if not run.success:
        print(run.messages)

Every caller goes through ``invoke``: the commands (cli.py), the nightly steps
(nightly.py, which the Dagster definitions share), and the tests (tests/python/conftest.py).
Only two places start dbt as a separate program, through ``executable()``: the benchmark
(each step in a process of its own, to measure its time and peak memory) and dagster-dbt's
``DbtCliResource`` for the model build (it streams one Dagster event per model).

DuckDB lets one process write a file at a time, and dbt-duckdb keeps the warehouse open
after a run. ``invoke`` closes it when dbt returns, so the same process (a read-only
connection, a summary query) or another one (a dbt subprocess) can open it next.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]

# Run-time vars: read when SQL is compiled, never when dbt parses (no YAML, dbt_project.yml
# or config() reads them: tests/python/test_project_rules.py checks it). The run's dates
# (RUN_TIME_VARS) and the input paths (*_path, demo_data_dir: macro raw_input), of which
# parse time reads only whether they are given (macro finding_severity: a test warns on
# your own data). A project parsed once with parse_time_vars() serves every run that
# differs in them only, and dbt's partial parsing stays valid from one night to the next
# (dbt parses everything again whenever the --vars it parses with change: 19 s, not 8 s).
RUN_TIME_VARS = ("as_of_date", "load_date")
INPUT_PATH_VARS = ("demo_data_dir",)
INPUT_PATH_SUFFIX = "_path"
GIVEN = "(given: read when SQL is compiled)"
# a path with a wildcard names a folder of deliveries (macros/deliveries.sql), which decides
# how its base model is materialized: parse time knows that much of it
GIVEN_DELIVERIES = "(given, a folder of deliveries *: read when SQL is compiled)"


def is_input_path_var(name: str) -> bool:
    """Whether the var ``name`` names an input file or folder (read by macro raw_input)."""
    return name in INPUT_PATH_VARS or name.endswith(INPUT_PATH_SUFFIX)


def parse_time_vars(vars: Mapping | None) -> dict:
    """``vars`` as dbt needs them to parse the project: without the run's dates, and each
    input path given replaced by a marker (path_marker). A manifest parsed with them
    (``invoke(["parse"], parse_time_vars(vars)).manifest``) serves every run whose vars
    differ from ``vars`` in dates and paths only (and give the same inputs)."""
    return {
        name: (path_marker(value) if value and is_input_path_var(name) else value)
        for name, value in (vars or {}).items()
        if name not in RUN_TIME_VARS
    }


def path_marker(path) -> str:
    """The marker that stands for an input path when dbt parses (parse_time_vars):
    GIVEN_DELIVERIES when the path is a pattern of files (it holds a '*'), else GIVEN."""
    return GIVEN_DELIVERIES if "*" in str(path) else GIVEN


@dataclass(frozen=True)
class DbtRun:
    """The outcome of one dbt invocation.

    command: the arguments dbt received; success: dbt's own verdict; exception: what
    stopped dbt before or outside the nodes (a compilation error, a missing profile),
    else None; results: the node results (dbt ``RunResult``/``SourceFreshnessResult``
    objects, with ``status``, ``node``, ``message``), empty for operations and when dbt
    stopped early; logged: (level, message) of every error and warning dbt logged, in
    order; seconds: wall time.
    """

    command: list[str]
    success: bool
    exception: BaseException | None = None
    results: list = field(default_factory=list)
    logged: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0
    manifest: object | None = None

    @property
    def errors(self) -> list[str]:
        """The messages dbt logged at error level (operations report failures this way)."""
        return [message for level, message in self.logged if level == "error"]

    @property
    def messages(self) -> str:
        """Every error and warning dbt logged, then the exception, one per line."""
        lines = [message for _, message in self.logged]
        if self.exception is not None:
            lines.append(str(self.exception))
        return "\n".join(lines)


def invoke(
    args: list[str],
    vars: Mapping | None = None,
    *,
    env: Mapping[str, str | None] | None = None,
    cwd: Path | str | None = None,
    release: bool = True,
    manifest: object | None = None,
) -> DbtRun:
    """Run dbt with ``args`` in this process and return what happened (never raises for
    a dbt failure: look at ``DbtRun.success``).

    vars: dbt vars, passed as ``--vars`` JSON (dates as ISO strings). env: environment
    variables set for the run only (None unsets one), e.g. WAREHOUSE_PATH, which
    profiles.yml reads. cwd: working directory for the run only: relative paths in
    profiles.yml and in the sources resolve against it, not against --project-dir.
    release: close dbt-duckdb's handle on the warehouse file afterwards (module doc).
    manifest: a project parsed before (``invoke(["parse"]).manifest``): dbt skips parsing
    (10-20 s on this project). Valid while what dbt renders at parse time is unchanged:
    the project files, the environment variables, and the vars read in YAML, in
    ``dbt_project.yml`` and in ``config()`` (e.g. ``as_of_date`` in test filters,
    ``python_models``); vars read only when SQL is compiled (the input paths) may differ.
    Raises only what dbt's runner itself raises (e.g. KeyboardInterrupt).
    """
    from dbt.cli.main import dbtRunner

    command = [*args, *(["--vars", json.dumps(dict(vars), default=str)] if vars else [])]
    logged: list[tuple[str, str]] = []

    def collect(event) -> None:
        if event.info.level in ("error", "warn") and event.info.msg.strip():
            logged.append((event.info.level, event.info.msg.strip()))

    started = time.perf_counter()
    with _environment(env or {}, cwd):
        try:
            result = dbtRunner(manifest=manifest, callbacks=[collect]).invoke(command)
        finally:
            if release:
                release_duckdb()
    return DbtRun(
        command=command,
        success=bool(result.success),
        exception=result.exception,
        results=list(getattr(result.result, "results", None) or []),
        logged=logged,
        seconds=round(time.perf_counter() - started, 2),
        manifest=result.result if args[:1] == ["parse"] and result.success else None,
    )


def release_duckdb() -> None:
    """Close the DuckDB database dbt-duckdb keeps open in this process (no-op without
    dbt-duckdb or when nothing is open)."""
    try:
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    except ImportError:
        return
    environment = DuckDBConnectionManager._ENV
    if environment is not None:
        environment.close()
    DuckDBConnectionManager.close_all_connections()


def executable() -> str:
    """The dbt program of this Python environment (the venv need not be activated), else
    ``dbt`` from PATH: for callers that need dbt in a process of its own."""
    beside = Path(sys.executable).with_name("dbt")
    return str(beside) if beside.exists() else "dbt"


@contextmanager
def _environment(env: Mapping[str, str | None], cwd: Path | str | None) -> Iterator[None]:
    saved_env, saved_cwd = dict(os.environ), os.getcwd()
    for name, value in env.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = str(value)
    if cwd is not None:
        os.chdir(cwd)
    try:
        yield
    finally:
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
