"""Helpers that run this dbt project in-process against a throw-away DuckDB file."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from customer_scoring import dbt
from customer_scoring.dbt import DbtRun

PROJECT_DIR = dbt.PROJECT_DIR
FIXTURES = PROJECT_DIR / "tests" / "fixtures"


class Warehouse:
    """One DuckDB warehouse file and the dbt invocations that build it."""

    def __init__(self, path: Path, work_dir: Path):
        self.path = path
        self.work_dir = work_dir

    def dbt(self, *args: str, vars: dict | None = None) -> DbtRun:
        """dbt ``args`` on this warehouse (customer_scoring.dbt.invoke: in this process,
        from the project directory, target and logs in the work directory)."""
        return dbt.invoke(
            [
                *args,
                "--project-dir",
                str(PROJECT_DIR),
                "--profiles-dir",
                str(PROJECT_DIR),
                "--target-path",
                str(self.work_dir / "target"),
                "--log-path",
                str(self.work_dir / "logs"),
            ],
            vars,
            # profiles.yml reads WAREHOUSE_PATH; relative paths resolve from the working
            # directory; the as-of date comes from the vars, never from the environment
            env={"WAREHOUSE_PATH": str(self.path), "WAREHOUSE_AS_OF_DATE": None},
            cwd=PROJECT_DIR,
        )

    def query(self, sql: str) -> list[tuple]:
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
