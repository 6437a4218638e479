"""The same demo data built on DuckDB and on PostgreSQL gives the same warehouse.

PostgreSQL runs no dbt Python models: the lifetime models (models/marts/predictive/
lifetime) are disabled there and everything else must build and agree with DuckDB, row for
row, in the restricted layer (schema main) and in the public one (schema bi, where the
pseudonymous keys must come out the same). A throw-away PostgreSQL cluster is started from
the server binaries when they are installed (Debian: apt-get install postgresql); without
them the test is skipped, saying so.
"""

from __future__ import annotations

import datetime as dt
import decimal
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import duckdb
import pytest
from conftest import PROJECT_DIR, Warehouse, small_demo

from customer_scoring import postgres

# slow: starts PostgreSQL and builds every model on it and on DuckDB (./run test only)
pytestmark = pytest.mark.slow

AS_OF = "2026-06-30"
# silences of 60 and 120 days end first lives: the one-year demo has such comebacks (none
# of the default 180 and 365 days), so the first lives and their fits are compared too
VARS = {"as_of_date": AS_OF, "load_date": AS_OF, "btyd_comeback_gap_days": [60, 120]}
# The models of the lifetime folder are disabled where dbt has no Python models (unless
# var lifetime_step: test_spark.py).
LIFETIME_MODELS = {
    path.stem
    for path in (PROJECT_DIR / "models" / "marts" / "predictive" / "lifetime").rglob("*")
    if path.suffix in (".sql", ".py")
}
LIFETIME_COLUMNS = {
    "churn_method",
    "churn_risk_band",
    "churn_reason",
    "clv_status",
    "churn_probability",
    "p_alive",
    "expected_purchases",
    "expected_order_value",
    "clv",
}
# The restricted layer (the target's schema) and the public layer (models/public).
SCHEMAS = ("main", "bi")
# Where the engines may differ, and why.
ROUNDING_TOLERANCE = {
    # averages and ratios of amounts that fall on the half-way point of their last
    # decimal: DuckDB divides decimals in binary floating point, PostgreSQL exactly
    ("segment_profiles", "avg_rfm_score"): 0.01,
    ("segment_profiles", "avg_engagement_score"): 0.01,
    ("segment_profiles", "avg_purchase_probability"): 0.0001,
    ("segment_profiles", "avg_satisfaction_score"): 0.01,
}
NOT_COMPARED = {
    # a raw float shown as text: each engine writes 14.0 its own way ('14.0' or '14')
    ("base_shop__transactions", "amount_raw"),
    ("quarantined_rows", "amount_text"),
}
# Compared only where the lifetime models run on both engines.
LIFETIME_NOT_COMPARED = {
    # capped at 1 - churn (90 days), and churn comes from the lifetime models: on PostgreSQL
    # the uncapped value (purchase_scores, compared whole) is published
    ("customer_scores", "purchase_probability"),
    ("customer_scores", "purchase_probability_basis"),
    ("customer_history", "purchase_probability"),
    ("segment_profiles", "avg_purchase_probability"),
    # audiences read customer_scores: the capped purchase probability, its decile in the
    # rule values and the expected conversions and revenue summed from it
    ("audience_members", "purchase_probability"),
    ("audience_candidates", "rule_values"),
    ("audience_eligibility", "rule_values"),
    ("audience_members", "rule_values"),
    ("audience_summary", "expected_conversions"),
    ("audience_summary", "expected_revenue"),
}
# Rows left out of the comparison: the audience fields the lifetime models give (none on
# PostgreSQL) and the capped purchase probability; every other field must agree.
ROWS_NOT_COMPARED = {
    "audience_attributes": "field not in ('churn_risk_band', 'churn_probability', 'clv', "
    "'purchase_probability')",
}


def _server_binaries() -> Path | None:
    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (candidate / "initdb").exists():
            return candidate
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    """A PostgreSQL cluster of its own on a free port, stopped and removed afterwards."""
    binaries = _server_binaries()
    if binaries is None:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    as_user: list[str] = []
    data_root = Path(tempfile.mkdtemp(prefix="warehouse-pg-"))
    if os.geteuid() == 0:  # the server refuses to run as root
        shutil.chown(data_root, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    data, port = data_root / "data", _free_port()

    def run(*command: str) -> None:
        subprocess.run([*as_user, *command], check=True, capture_output=True, text=True)

    run(str(binaries / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres")
    run(
        str(binaries / "pg_ctl"),
        "-D",
        str(data),
        "-l",
        str(data_root / "server.log"),
        "-o",
        f"-h 127.0.0.1 -p {port} -k {data_root}",
        "-w",
        "start",
    )
    try:
        run(
            str(binaries / "createdb"),
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
            "-U",
            "postgres",
            "warehouse",
        )
        yield {"WAREHOUSE_PG_PORT": str(port), "WAREHOUSE_PG_DATABASE": "warehouse"}
    finally:
        run(str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop")
        shutil.rmtree(data_root, ignore_errors=True)


@pytest.fixture(scope="module")
def both(server, tmp_path_factory):
    """The demo built on DuckDB and on PostgreSQL."""
    work = tmp_path_factory.mktemp("engines")
    demo = small_demo(work, AS_OF, customers=500, years=1.5)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WAREHOUSE_DEMO_DIR", str(demo))
        on_duckdb = Warehouse(work / "warehouse.duckdb", work / "duckdb")
        run = on_duckdb.dbt("build", vars=VARS)
        assert run.success, run.messages

        for name, value in server.items():
            patch.setenv(name, value)
        patch.setenv("WAREHOUSE_TARGET", "postgres")
        postgres.load(demo)
        run = Warehouse(work / "unused.duckdb", work / "postgres").dbt("build", vars=VARS)
        assert run.success, run.messages
        with postgres.connect() as connection:
            yield on_duckdb, connection


def _normal(value):
    if isinstance(value, float | decimal.Decimal):
        return round(float(value), 6)
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _rows(rows) -> list[tuple]:
    return sorted(
        (tuple(_normal(value) for value in row) for row in rows),
        key=lambda row: tuple((value is None, str(value)) for value in row),
    )


def test_the_lifetime_models_are_disabled_on_postgres(both):
    _, connection = both
    with connection.cursor() as cursor:
        cursor.execute(
            "select table_name from information_schema.tables where table_schema = 'main'"
        )
        relations = {name for (name,) in cursor.fetchall()}
    assert relations & LIFETIME_MODELS == set()
    assert {"customer_scores", "payment_risk_scores", "recovery_scores"} <= relations


def engine_differences(
    duckdb_path: Path,
    engine: str,
    fetch,
    quote: str = '"',
    tolerance: dict | None = None,
    lifetime: bool = False,
) -> list[str]:
    """Every relation of SCHEMAS on DuckDB (NOT_COMPARED left out; unless ``lifetime``, the
    lifetime models and columns, LIFETIME_NOT_COMPARED and ROWS_NOT_COMPARED too) against
    the same query on ``engine``: ``fetch(query)`` returns its rows there, ``quote`` quotes
    its column names. Returns one line per column that differs (how many rows, and the
    first of them) or relation whose row count differs; values within ``tolerance``
    (default ROUNDING_TOLERANCE) of each other agree. tests/python/test_spark.py compares
    Spark with it too, the lifetime models included."""
    tolerance = ROUNDING_TOLERANCE if tolerance is None else tolerance
    left_out = NOT_COMPARED if lifetime else NOT_COMPARED | LIFETIME_NOT_COMPARED
    columns_left_out = set() if lifetime else LIFETIME_COLUMNS
    rows_left_out = {} if lifetime else ROWS_NOT_COMPARED
    differences = []
    with duckdb.connect(str(duckdb_path)) as con:
        relations = [
            (schema, name)
            for (schema, name) in con.sql(
                "select table_schema, table_name from information_schema.tables "
                f"where table_schema in {SCHEMAS} order by table_schema, table_name"
            ).fetchall()
            if lifetime or name not in LIFETIME_MODELS
        ]
        assert len(relations) > 50
        assert ("bi", "customer_scores") in relations
        for schema, relation in relations:
            columns = [
                name
                for (name,) in con.sql(
                    "select column_name from information_schema.columns "
                    f"where table_schema = '{schema}' and table_name = '{relation}' "
                    "order by ordinal_position"
                ).fetchall()
                if name not in columns_left_out and (relation, name) not in left_out
            ]
            where = f" where {rows_left_out[relation]}" if relation in rows_left_out else ""

            def query(quote: str, columns=columns, schema=schema, relation=relation, where=where):
                select = ", ".join(f"{quote}{column}{quote}" for column in columns)
                return f"select {select} from {schema}.{relation}{where}"

            expected = _rows(con.sql(query('"')).fetchall())
            found = _rows(fetch(query(quote)))
            if len(found) != len(expected):
                differences.append(
                    f"{schema}.{relation}: {len(found)} rows on {engine}, {len(expected)} on DuckDB"
                )
                continue
            for got, want in zip(found, expected, strict=True):
                for column, a, b in zip(columns, got, want, strict=True):
                    allowed = tolerance.get((relation, column))
                    same = a == b or (
                        allowed is not None and abs(float(a) - float(b)) <= allowed + 1e-9
                    )
                    if not same:
                        differences.append(
                            f"{schema}.{relation}.{column}: {a!r} on {engine}, {b!r} on DuckDB"
                        )
    by_column: dict[str, list[str]] = {}
    for difference in differences:
        by_column.setdefault(difference.split(":")[0], []).append(difference)
    return [f"{len(found)} rows, e.g. {found[0]}" for found in by_column.values()]


def test_every_model_agrees_with_duckdb(both):
    on_duckdb, connection = both

    def fetch(query: str) -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(query)
            return cursor.fetchall()

    summary = engine_differences(on_duckdb.path, "PostgreSQL", fetch)
    assert summary == [], "\n".join(summary)
