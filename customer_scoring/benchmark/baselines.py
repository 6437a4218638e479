"""Run one baseline in a process of its own, so the benchmark can time it and read its
peak memory: the engine floor (floor.sql in DuckDB) or the pandas baseline.

    python -m customer_scoring.benchmark.baselines floor|pandas DEMO_DIR AS_OF LOAD OUT.parquet
    python -m customer_scoring.benchmark.baselines floor-orders ORDERS AS_OF LOAD OUT.parquet

Both write the same columns: customer_id, recency_days, frequency, monetary (in cents),
r_score, f_score, m_score, segment. ``floor-orders`` is the floor on one bring-your-own
orders file (ORDERS_FILE_COLUMNS), read as the warehouse reads it when given only
``transactions_path``.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

from customer_scoring.contract import inputs

PROJECT_DIR = Path(__file__).resolve().parents[2]
SEGMENT_MAP = PROJECT_DIR / "seeds" / "rfm_segment_map.csv"


def literal(value) -> str:
    """A DuckDB SQL literal for a date, a tuple (a list in parentheses), a number or text
    (quoted, quotes doubled)."""
    if isinstance(value, dt.date):
        return f"date '{value.isoformat()}'"
    if isinstance(value, tuple):
        return "(" + ", ".join(literal(item) for item in value) + ")"
    if isinstance(value, (int, float)):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


# the one file of the bring-your-own orders case (benchmark --input orders-file): the
# required columns of a transactions file, as the input contract declares them (a row
# per order line; the warehouse reads the amounts as in the reporting currency and every
# line as a completed sale)
ORDERS_FILE_COLUMNS = tuple(inputs()["transactions"].required)


def floor_query(
    demo_dir: Path | None, as_of: dt.date, load_date: dt.date, orders_file: Path | None = None
) -> str:
    """floor.sql with the inputs, the segment map seed and the project's default settings
    filled in: one DuckDB query giving the RFM columns per customer. The inputs are the
    files of ``demo_dir``, or, with ``orders_file``, that file alone (ORDERS_FILE_COLUMNS:
    no customer file, so the customers are those of the orders and none is a test account;
    no rates, so every amount is in the reporting currency; no status, so every line is a
    completed sale; no erasure requests)."""
    template = (Path(__file__).with_name("floor.sql")).read_text()
    if orders_file is not None:
        orders = f"read_parquet({literal(str(orders_file))})"
        columns = ", ".join(ORDERS_FILE_COLUMNS)
        rows = {
            "transaction_rows": f"(select {columns}, cast(null as varchar) as currency, "
            f"cast(null as varchar) as status from {orders})",
            # no customer file: every customer of the orders is known and none is a test
            # account, so there is nothing to join (a hand-written floor would not)
            "customer_rows": "(select cast(null as varchar) as customer_id, "
            "cast(null as varchar) as email where false)",
            "customer_join": "",
            "rate_rows": "(select cast(null as varchar) as from_currency, "
            "cast(null as varchar) as to_currency, cast(null as date) as rate_date, "
            "cast(null as varchar) as rate where false)",
        }
        erased = "select cast(null as varchar) as customer_id where false"
    else:
        rows = {
            f"{name}_rows": f"read_parquet({literal(str(demo_dir / f'{file}.parquet'))})"
            for name, file in (
                ("transaction", "transactions"),
                ("customer", "customers"),
                ("rate", "exchange_rates"),
            )
        }
        rows["customer_join"] = (
            "inner join customers\n        on fit_lines.customer_id = customers.customer_id "
            "and not customers.is_test_account"
        )
        erased = erased_ids_query(demo_dir)
    values = {
        "segment_map": SEGMENT_MAP,
        "segment_map_name": "standard",
        "reporting": "EUR",
        "max_line_amount": 1_000_000,
        "test_domains": ("example.com", "test.local"),
        "as_of": as_of,
        "load_date": load_date,
    }
    filled = {name: literal(str(v) if isinstance(v, Path) else v) for name, v in values.items()}
    return template.format(**filled, **rows, erased=erased)


def erased_ids_query(demo_dir: Path) -> str:
    """SQL of the customer ids with an erasure request in ``demo_dir``/rights_requests.parquet
    (none without the file): the warehouse drops their rows from every input."""
    path = demo_dir / "rights_requests.parquet"
    if not path.exists():
        return "select cast(null as varchar) as customer_id where false"
    return (
        "select nullif(trim(cast(customer_id as varchar)), '') as customer_id "
        f"from read_parquet({literal(str(path))}) "
        "where lower(trim(cast(request_type as varchar))) = 'erasure' and customer_id is not null"
    )


def run_floor(
    demo_dir: Path | None,
    as_of: dt.date,
    load_date: dt.date,
    out: Path,
    orders_file: Path | None = None,
) -> None:
    """Run floor_query in DuckDB (memory limit from WAREHOUSE_MEMORY_LIMIT, as the
    profile) and write its rows to the Parquet file ``out``, monetary in integer cents."""
    import duckdb

    query = floor_query(demo_dir, as_of, load_date, orders_file)
    # the settings the warehouse runs with (profiles.yml): same memory, same threads
    config = {"temp_directory": f"{out}.tmp"}
    if os.environ.get("WAREHOUSE_MEMORY_LIMIT"):
        config["memory_limit"] = os.environ["WAREHOUSE_MEMORY_LIMIT"]
    with duckdb.connect(config=config) as con:
        con.execute(
            f"copy (select * replace (cast(monetary * 100 as bigint) as monetary) from ({query})) "
            f"to {literal(str(out))} (format parquet)"
        )


def run_pandas(demo_dir: Path, as_of: dt.date, load_date: dt.date, out: Path) -> None:
    """The pandas baseline (pandas_baseline.rfm) written to the Parquet file ``out``."""
    from customer_scoring.benchmark.pandas_baseline import rfm

    rfm(demo_dir, as_of, load_date, SEGMENT_MAP).rename(
        columns={"monetary_cents": "monetary"}
    ).to_parquet(out, index=False)


def main(argv: list[str]) -> int:
    """``floor|pandas DEMO_DIR AS_OF LOAD_DATE OUT`` or ``floor-orders ORDERS_FILE AS_OF
    LOAD_DATE OUT`` (module doc); returns 0. Raises KeyError for another kind and
    ValueError for a date not written YYYY-MM-DD."""
    kind, source, as_of, load_date, out = argv
    dates = (dt.date.fromisoformat(as_of), dt.date.fromisoformat(load_date))
    if kind == "floor-orders":
        run_floor(None, *dates, Path(out), orders_file=Path(source))
    else:
        {"floor": run_floor, "pandas": run_pandas}[kind](Path(source), *dates, Path(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
