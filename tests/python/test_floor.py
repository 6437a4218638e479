"""The benchmark's engine floor (customer_scoring/benchmark/floor.sql) on hand-computed
inputs, in both of its forms: one bring-your-own orders file, and demo-shaped files (a
customer file with a test account, rates). The slow benchmark test checks it against the
marts; this one runs in the fast tier, so a floor that no longer parses fails there."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd

from customer_scoring.benchmark.baselines import SEGMENT_MAP, floor_query

AS_OF = dt.date(2026, 6, 30)
LINES = [
    # customer, order, ordered at, amount
    ("c1", "o1", "2026-06-01 10:00:00", 10.0),
    ("c1", "o2", "2026-06-20 09:00:00", 5.0),
    ("c1", "o2", "2026-06-20 09:00:00", 15.0),
    ("c2", "o3", "2026-06-25 12:00:00", 30.0),
    ("c3", "o4", "2026-05-01 08:00:00", 5.0),
    ("c3", "o4", "2026-05-01 08:00:00", 5.0),  # an exact copy: counts once
    ("c4", "o5", "2026-07-05 08:00:00", 50.0),  # after the load date: rejected
]


def segment(r: int, f: int, m: int) -> str:
    with SEGMENT_MAP.open() as seed:
        for row in csv.DictReader(seed):
            if row["segment_map"] == "standard" and (
                int(row["r_score"]),
                int(row["f_score"]),
                int(row["m_score"]),
            ) == (r, f, m):
                return row["segment"]
    raise KeyError((r, f, m))


def write(path: Path, columns: list[str], rows: list[tuple]) -> None:
    frame = pd.DataFrame(rows, columns=columns)
    if "ordered_at" in frame:
        frame["ordered_at"] = pd.to_datetime(frame["ordered_at"])
    if "rate_date" in frame:
        frame["rate_date"] = pd.to_datetime(frame["rate_date"]).dt.date
    frame.to_parquet(path, index=False)


def run(query: str) -> list[tuple]:
    with duckdb.connect() as con:
        return con.sql(f"select * from ({query}) order by customer_id").fetchall()


def test_the_floor_on_one_orders_file(tmp_path):
    orders = tmp_path / "orders.parquet"
    write(orders, ["customer_id", "order_id", "ordered_at", "amount"], LINES)
    rows = run(floor_query(None, AS_OF, AS_OF, orders_file=orders))
    # recency days, frequency, monetary; quintiles by the mid-rank rule over 3 customers:
    # score = 1 + floor(5 * (2 (rank - 1) + ties) / (2 n)), recency ranked longest first
    expected = [
        ("c1", 10, 2, 30, 3, 5, 4),
        ("c2", 5, 1, 30, 5, 2, 4),
        ("c3", 60, 1, 5, 1, 2, 1),
    ]
    assert [(c, rec, f, float(m), rs, fs, ms) for c, rec, f, m, rs, fs, ms, _ in rows] == expected
    assert [row[-1] for row in rows] == [segment(*row[4:]) for row in expected]


def test_the_floor_on_demo_shaped_files(tmp_path):
    """The demo's form: a customer file (c3 a test account, left out), a line in dollars
    converted at the latest rate on or before its day (30 USD at 0.5: 15.00 EUR)."""
    lines = [(c, o, at, a, "USD" if o == "o3" else "EUR", "completed") for c, o, at, a in LINES]
    columns = ["customer_id", "order_id", "ordered_at", "amount", "currency", "status"]
    write(tmp_path / "transactions.parquet", columns, lines)
    write(
        tmp_path / "customers.parquet",
        ["customer_id", "email"],
        [("c1", "a@shop.eu"), ("c2", "b@shop.eu"), ("c3", "qa@example.com"), ("c4", "d@x.eu")],
    )
    write(
        tmp_path / "exchange_rates.parquet",
        ["from_currency", "to_currency", "rate_date", "rate"],
        [("USD", "EUR", "2026-06-01", 0.5), ("USD", "EUR", "2026-06-26", 0.9)],
    )
    rows = run(floor_query(tmp_path, AS_OF, AS_OF))
    # two customers: c1 (10 days, 2 orders, 30.00), c2 (5 days, 1 order, 15.00)
    expected = [("c1", 10, 2, 30, 2, 4, 4), ("c2", 5, 1, 15, 4, 2, 2)]
    assert [(c, rec, f, float(m), rs, fs, ms) for c, rec, f, m, rs, fs, ms, _ in rows] == expected
    assert [row[-1] for row in rows] == [segment(*row[4:]) for row in expected]
