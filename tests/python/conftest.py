"""Helpers that run this dbt project in-process against a throw-away DuckDB file."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from customer_scoring import dbt
from customer_scoring.dbt import DbtRun
from customer_scoring.demo import DemoConfig, generate

PROJECT_DIR = dbt.PROJECT_DIR
FIXTURES = PROJECT_DIR / "tests" / "fixtures"


# Parsing this project takes 10-20 s; most tests differ only in the input files they name
# (the *_path vars, read when SQL is compiled), so one parse serves them all.
_PARSED: dict[tuple, object] = {}


def parsed_project(
    path: Path, args: tuple[str, ...], vars: dict | None, options: list[str], env: dict
) -> object | None:
    """The project parsed with the parse-time settings of this invocation, parsed once and
    kept for the session (customer_scoring.dbt.invoke's ``manifest``), or None when the
    parse fails (the invocation then parses, and reports the error, itself).

    The key holds what dbt renders at parse time: the vars as customer_scoring.dbt.
    parse_time_vars gives them (without the run's dates; input paths only as given or
    not: tests/python/test_project_rules.py checks no YAML or model config reads them),
    the database name (dbt-duckdb names it after the file) and the target."""
    settings = dbt.parse_time_vars(vars)
    target = [arg for i, arg in enumerate(args) if i and args[i - 1] == "--target"]
    key = (path.stem, json.dumps(settings, sort_keys=True, default=str), tuple(target))
    if key not in _PARSED:
        target_option = ["--target", *target] if target else []
        parsed = dbt.invoke(["parse", *target_option, *options], settings, env=env, cwd=PROJECT_DIR)
        if parsed.manifest is None:
            return None
        _PARSED[key] = parsed.manifest
    return _PARSED[key]


# dbt flags of the tests' invocations (Warehouse.dbt, the simulation's rebuilds): global
# flags, which dbt also takes after the command
TEST_RUN_FLAGS = ("--no-write-json", "--log-level-file", "none")


class Warehouse:
    """One DuckDB warehouse file and the dbt invocations that build it."""

    def __init__(self, path: Path, work_dir: Path):
        self.path = path
        self.work_dir = work_dir

    def dbt(self, *args: str, vars: dict | None = None) -> DbtRun:
        """dbt ``args`` on this warehouse (customer_scoring.dbt.invoke: in this process,
        from the project directory, target and logs in the work directory), on a manifest
        parsed once per parse-time setting (``parsed_project``)."""
        options = [
            "--project-dir",
            str(PROJECT_DIR),
            "--profiles-dir",
            str(PROJECT_DIR),
            "--target-path",
            str(self.work_dir / "target"),
            "--log-path",
            str(self.work_dir / "logs"),
            # per invocation, dbt would write the manifest, the semantic manifest and the
            # results (~2 s on this project) and a debug log of every query (~10% of a
            # build): tests read the results from the DbtRun, the errors from its messages
            *TEST_RUN_FLAGS,
        ]
        # profiles.yml reads WAREHOUSE_PATH; relative paths resolve from the working
        # directory; the as-of date comes from the vars, never from the environment
        env = {"WAREHOUSE_PATH": str(self.path), "WAREHOUSE_AS_OF_DATE": None}
        manifest = parsed_project(self.path, args, vars, options, env)
        return dbt.invoke([*args, *options], vars, env=env, cwd=PROJECT_DIR, manifest=manifest)

    def query(self, sql: str) -> list[tuple]:
        with duckdb.connect(str(self.path)) as con:
            return con.sql(sql).fetchall()

    def table(self, name: str, order_by: str) -> list[tuple]:
        return self.query(f"select * from {name} order by {order_by}")


def small_demo(work: Path, as_of: str, customers: int = 400, years: float = 1.0) -> Path:
    """The demo the engine comparisons build (seed 11), generated quietly into
    ``work``/demo as of ``as_of`` (YYYY-MM-DD); returns that folder."""
    demo = work / "demo"
    generate(
        DemoConfig(customers=customers, years=years, seed=11, as_of=dt.date.fromisoformat(as_of)),
        demo,
        progress=lambda *_: None,
    )
    return demo


@pytest.fixture
def warehouse(tmp_path: Path) -> Warehouse:
    """An empty warehouse for one test."""
    return Warehouse(tmp_path / "warehouse.duckdb", tmp_path)


@pytest.fixture(scope="module")
def module_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    """An empty warehouse shared by the tests of one module (build once, query many)."""
    work_dir = tmp_path_factory.mktemp("warehouse")
    return Warehouse(work_dir / "warehouse.duckdb", work_dir)


# ./run test spreads the test files over the cores (pytest-xdist, --dist loadfile
# --no-loadscope-reorder) in collection order: the longest files go first, so that none
# starts last and runs alone. The order follows the slowest tests pytest listed in
# ./run test on 2026-12-01 (seconds, two workers, a quiet machine): nightly 303 in three
# tests, simulation 208, Spark 178, benchmark 125 in two, audiences 102 in two,
# orchestrator 59, PostgreSQL 52; the input guards build 25 s and then run some hundred
# cases, a dbt build each for twenty of them.
LONGEST_FIRST = (
    "test_nightly.py",
    "test_simulation.py",
    "test_spark.py",
    "test_audiences.py",
    "test_benchmark.py",
    "test_input_guards.py",
    "test_orchestrator.py",
    "test_postgres.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        name = item.path.name
        return LONGEST_FIRST.index(name) if name in LONGEST_FIRST else len(LONGEST_FIRST)

    items.sort(key=rank)  # stable: the order within and among the other files is kept


def btyd_dates(end: pd.Timestamp, holdout_days: int) -> dict[str, pd.Timestamp]:
    """The four date roles of int_customers_btyd_summary for the as-of date ``end``: the
    scoring and calibration dates and a year (365 days) before each."""
    calibration = end - pd.Timedelta(days=holdout_days)
    return {
        "scoring": end,
        "calibration": calibration,
        "scoring_year_before": end - pd.Timedelta(days=365),
        "calibration_year_before": calibration - pd.Timedelta(days=365),
    }


def btyd_summary(days, dates, start: pd.Timestamp, holdout_days: int) -> pd.DataFrame:
    """int_customers_btyd_summary in pandas, for the tests that plant purchase days
    (test_comebacks, test_seasons): ``days``, a DataFrame of customer_id and day (one row
    per distinct purchase day, days counted from ``start``); per date role of ``dates``
    and customer with a purchase by its date: btyd_frequency (the purchase days after the
    first), btyd_recency (first to last) and btyd_t (first to the date) in weeks, a spend
    (not these tests' subject: Gamma-Gamma needs some spread to converge), and but on the
    scoring date the purchase days of the ``holdout_days`` after the date. The SQL
    model's dbt unit test checks its own rule by hand."""
    frames = []
    for role, date in dates.items():
        cut = (date - start).days
        grouped = days[days.day <= cut].groupby("customer_id").day
        frame = pd.DataFrame(
            {
                "btyd_frequency": grouped.size() - 1,
                "btyd_recency": (grouped.max() - grouped.min()) / 7,
                "btyd_t": (cut - grouped.min()) / 7,
            }
        ).reset_index()
        frame["date_role"], frame["reference_date"], frame["time_unit"] = role, date.date(), "week"
        spend = np.random.default_rng(len(frame)).lognormal(3.5, 0.5, len(frame)).round(2)
        frame["btyd_monetary_value"] = np.where(frame.btyd_frequency > 0, spend, np.nan)
        window = days[(days.day > cut) & (days.day <= cut + holdout_days)]
        later = window.groupby("customer_id").size()
        frame["holdout_purchase_days"] = (
            frame.customer_id.map(later).fillna(0) if role != "scoring" else np.nan
        )
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def duckdb_query(**tables: pd.DataFrame):
    """A query function for customer_scoring.lifetime (SQL -> numpy columns) on an
    in-memory DuckDB holding each DataFrame of ``tables`` as a table of that name."""
    connection = duckdb.connect()
    for name, frame in tables.items():
        connection.register(f"{name}_frame", frame)
        connection.execute(f"create table {name} as select * from {name}_frame")
    return lambda sql: connection.sql(sql).fetchnumpy()


def fit_and_predict(settings, summary: pd.DataFrame, lives: pd.DataFrame | None = None):
    """(btyd_fits, btyd_history_predictions) of lifetime.fit and lifetime.predict on these
    tables (int_customers_btyd_summary and, when given, int_customers_btyd_first_lives)."""
    from customer_scoring import lifetime

    tables = {"summary": summary} if lives is None else {"summary": summary, "lives": lives}
    query = duckdb_query(**tables)
    named = None if lives is None else "lives"
    fits = lifetime.fit(query, "summary", settings, named)
    return fits, lifetime.predict(query, "summary", fits, settings, named)


def lifetime_settings(**changes):
    """customer_scoring.lifetime.Settings at the defaults of dbt_project.yml's vars (90-day
    holdout, gaps of 180 and 365 days, tolerance max(0.05, 0.25 x observed), bands of 200
    customers), with
    ``changes``: for the tests that call lifetime.fit on planted tables."""
    from customer_scoring import lifetime

    defaults = lifetime.Settings(
        min_repeat_customers=20,
        holdout_days=90,
        horizon_days=30,
        clv_months=12,
        clv_monthly_discount_rate=0.01,
        comeback_gap_days=(180, 365),
        calibration_tolerance=(0.05, 0.25),
        min_band_customers=200,
    )
    return dataclasses.replace(defaults, **changes)
