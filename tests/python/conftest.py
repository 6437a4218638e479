"""Helpers that run this dbt project in-process against a throw-away DuckDB file."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from dbt.cli.main import dbtRunner

PROJECT_DIR = Path(__file__).resolve().parents[2]
FIXTURES = PROJECT_DIR / "tests" / "fixtures"


@dataclass
class DbtRun:
    success: bool
    messages: str  # every error message dbt raised or logged, joined


class Warehouse:
    """One DuckDB warehouse file and the dbt invocations that build it."""

    def __init__(self, path: Path, work_dir: Path):
        self.path = path
        self.work_dir = work_dir

    def dbt(self, *args: str, vars: dict | None = None) -> DbtRun:
        command = list(args)
        if vars is not None:
            command += ["--vars", json.dumps(vars)]
        command += [
            "--project-dir",
            str(PROJECT_DIR),
            "--profiles-dir",
            str(PROJECT_DIR),
            "--target-path",
            str(self.work_dir / "target"),
            "--log-path",
            str(self.work_dir / "logs"),
        ]
        events: list[str] = []

        def collect(event) -> None:
            if event.info.level in ("error", "warn"):
                events.append(event.info.msg)

        # profiles.yml reads WAREHOUSE_PATH; relative paths resolve from the working directory
        saved_env, saved_cwd = dict(os.environ), os.getcwd()
        os.environ["WAREHOUSE_PATH"] = str(self.path)
        os.environ.pop("WAREHOUSE_AS_OF_DATE", None)
        os.chdir(PROJECT_DIR)
        try:
            result = dbtRunner(callbacks=[collect]).invoke(command)
        finally:
            os.chdir(saved_cwd)
            os.environ.clear()
            os.environ.update(saved_env)
        if result.exception is not None:
            events.append(str(result.exception))
        return DbtRun(success=bool(result.success), messages="\n".join(events))

    def query(self, sql: str) -> list[tuple]:
        # Same process as dbt: open with the same (default) configuration.
        with duckdb.connect(str(self.path)) as con:
            return con.sql(sql).fetchall()

    def table(self, name: str, order_by: str) -> list[tuple]:
        return self.query(f"select * from {name} order by {order_by}")


@pytest.fixture
def warehouse(tmp_path: Path) -> Warehouse:
    """An empty warehouse for one test."""
    return Warehouse(tmp_path / "warehouse.duckdb", tmp_path)


@pytest.fixture(scope="module")
def module_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    """An empty warehouse shared by the tests of one module (build once, query many)."""
    work_dir = tmp_path_factory.mktemp("warehouse")
    return Warehouse(work_dir / "warehouse.duckdb", work_dir)
