"""The plain-Python baseline: RFM as a careful pandas user would write it.

Same rules and same answer as the warehouse (customer_rfm, customer_segments): read the
files, drop rejected rows and exact copies, date each line on its order's day (a return
or refund on its own later day belongs to its order), set aside conflicting and
over-refunded orders, keep known non-test customers, convert at the latest rate on or
before the order day (merge_asof), net each order and round it once to cents, group by
customer, bin into quintiles by the mid-rank rule, look the segment up. Money is kept in
integers (amounts in units of 1e-4, rates of 1e-8, their products as Python integers,
rounded to 1e-10 as the warehouse's decimal(38, 10)), as it must be to match to the cent:
float products of amount and rate round half-cents either way.

The mid-rank bucket 1 + floor(5 (B + E/2) / N) (B rows worse, E equal, N rows) is
1 + floor(5 (average rank - 1/2) / N), average rank as pandas ranks ties.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd


def _text(series: pd.Series) -> pd.Series:
    text = series.astype("string").str.strip()
    return text.mask(text == "")


def _round_half_away(numerator: np.ndarray, denominator: int) -> np.ndarray:
    """numerator / denominator rounded half away from zero, in integers."""
    sign = np.sign(numerator)
    return sign * ((np.abs(numerator) + denominator // 2) // denominator)


def quintile(values: pd.Series, higher_is_better: bool = True) -> pd.Series:
    """Scores 1..5 per value (same index) by the mid-rank rule of the module doc: equal
    values get equal scores; 5 is the best fifth (highest, or lowest when not
    higher_is_better)."""
    ranks = values.rank(method="average", ascending=higher_is_better)
    return (1 + np.floor(5 * (ranks - 0.5) / len(values))).astype(int)


def rfm(
    demo_dir: Path,
    as_of: dt.date,
    load_date: dt.date,
    segment_map: Path,
    map_name: str = "standard",
    reporting: str = "EUR",
    max_line_amount: float = 1_000_000,
    test_domains: tuple[str, ...] = ("example.com", "test.local"),
) -> pd.DataFrame:
    """RFM values, scores and segments per scored customer from the demo files in
    ``demo_dir`` (transactions, customers, exchange_rates), as of ``as_of``, rows dated
    after ``load_date`` rejected, segments from the ``segment_map`` seed (map
    ``map_name``), money in ``reporting`` currency. Returns a DataFrame, one row per
    customer: customer_id, recency_days, frequency, monetary_cents, r_score, f_score,
    m_score, segment (the columns the benchmark compares with the marts)."""
    lines = pd.read_parquet(demo_dir / "transactions.parquet")
    for column in ("currency", "status"):
        lines[column] = lines[column].astype("string")
    lines = lines.drop_duplicates()  # exact copies count once
    lines["order_id"] = _text(lines["order_id"])
    lines["customer_id"] = _text(lines["customer_id"])
    lines["currency"] = _text(lines["currency"]).str.upper().fillna(reporting)
    lines["status"] = _text(lines["status"]).str.lower().fillna("completed")
    lines["units"] = np.round(lines["amount"].to_numpy() * 10_000).astype("int64")  # 1e-4
    lines["ordered_date"] = lines["ordered_at"].dt.normalize()
    load = pd.Timestamp(load_date)
    lines = lines[
        lines["order_id"].notna()
        & lines["customer_id"].notna()
        & lines["ordered_at"].notna()
        & (lines["units"] > 0)
        & (lines["units"] <= round(max_line_amount * 10_000))
        & (lines["ordered_date"] <= load)
        & lines["status"].isin(["completed", "cancelled", "returned", "refunded"])
    ]

    # the order's day: its sale lines' (completed or cancelled), else its own lines'
    sale = lines["status"].isin(["completed", "cancelled"])
    lines["line_date"] = lines["ordered_date"]
    order_day = lines[sale].groupby("order_id")["line_date"].min()
    order_day = order_day.combine_first(lines.groupby("order_id")["line_date"].min())
    lines["ordered_date"] = lines["order_id"].map(order_day)
    deducted = lines["status"].isin(["returned", "refunded"])
    per_order = (
        lines.assign(
            sale_date=lines["line_date"].where(sale),
            sold=lines["units"].where(lines["status"] == "completed", 0),
            deducted=lines["units"].where(deducted, 0),
            completed=(lines["status"] == "completed").astype(int),
        )
        .groupby("order_id")
        .agg(
            customers=("customer_id", "nunique"),
            sale_days=("sale_date", "nunique"),
            first_line=("line_date", "min"),
            ordered_date=("ordered_date", "first"),
            sold=("sold", "sum"),
            deducted=("deducted", "sum"),
            completed=("completed", "sum"),
        )
    )
    conflicting = per_order.index[
        (per_order["customers"] > 1)
        | (per_order["sale_days"] > 1)
        | (per_order["first_line"] < per_order["ordered_date"])
        | ((per_order["completed"] > 0) & (per_order["deducted"] > per_order["sold"]))
    ]

    customers = pd.read_parquet(demo_dir / "customers.parquet", columns=["customer_id", "email"])
    customers["customer_id"] = _text(customers["customer_id"])
    customers = customers.dropna(subset=["customer_id"]).drop_duplicates("customer_id")
    domain = customers["email"].str.strip().str.lower().str.split("@").str[1]
    real = customers.loc[~domain.isin(test_domains), "customer_id"]
    requests_path = demo_dir / "rights_requests.parquet"
    if requests_path.exists():  # customers with an erasure request are gone from every input
        requests = pd.read_parquet(requests_path, columns=["customer_id", "request_type"])
        is_erasure = requests["request_type"].astype(str).str.strip().str.lower() == "erasure"
        real = real[~real.isin(_text(requests.loc[is_erasure, "customer_id"]))]

    lines = lines[lines["customer_id"].isin(real) & ~lines["order_id"].isin(conflicting)]

    rates = pd.read_parquet(demo_dir / "exchange_rates.parquet")
    rates = rates[_text(rates["to_currency"]).str.upper() == reporting].copy()
    rates["currency"] = _text(rates["from_currency"]).str.upper()
    rates["rate_date"] = pd.to_datetime(rates["rate_date"]).astype(lines["ordered_date"].dtype)
    rates = rates.drop_duplicates(["currency", "rate_date"]).dropna(subset=["rate"])
    rates = rates[rates["rate"] > 0]
    rates["rate_units"] = np.round(rates["rate"].to_numpy() * 1e8).astype("int64")

    # amount x rate in units of 1e-12 (Python integers: no overflow), rounded to 1e-10
    local = lines[lines["currency"] == reporting].assign(
        amount_units=lambda f: f["units"].astype(object) * 10**6
    )
    foreign = lines[lines["currency"] != reporting].sort_values("ordered_date")
    foreign = pd.merge_asof(
        foreign,
        rates[["currency", "rate_date", "rate_units"]].sort_values("rate_date"),
        left_on="ordered_date",
        right_on="rate_date",
        by="currency",
    ).dropna(subset=["rate_units"])
    foreign["amount_units"] = _round_half_away(
        foreign["units"].to_numpy().astype(object)
        * foreign["rate_units"].to_numpy().astype("int64").astype(object),
        100,
    )
    lines = pd.concat([local, foreign], ignore_index=True)
    lines = lines[lines["ordered_date"] <= pd.Timestamp(as_of)]

    sign = np.select(
        [lines["status"] == "completed", lines["status"].isin(["returned", "refunded"])],
        [1, -1],
        0,
    )
    lines = lines.assign(
        net=sign * lines["amount_units"], sale=(lines["status"] == "completed").astype(int)
    )
    orders = lines.groupby("order_id").agg(
        customer_id=("customer_id", "first"),
        ordered_date=("ordered_date", "first"),
        net=("net", "sum"),
        sale_lines=("sale", "sum"),
    )
    orders["net"] = _round_half_away(orders["net"].to_numpy(dtype=object), 10**8)  # cents
    orders = orders[(orders["sale_lines"] > 0) & (orders["net"] > 0)]
    orders["net"] = orders["net"].astype("int64")

    scored = orders.groupby("customer_id").agg(
        last=("ordered_date", "max"), frequency=("net", "size"), monetary_cents=("net", "sum")
    )
    scored["recency_days"] = (pd.Timestamp(as_of) - scored["last"]).dt.days
    scored["r_score"] = quintile(scored["recency_days"], higher_is_better=False)
    scored["f_score"] = quintile(scored["frequency"])
    scored["m_score"] = quintile(scored["monetary_cents"])

    segments = pd.read_csv(segment_map)
    segments = segments[segments["segment_map"] == map_name]
    result = scored.reset_index().merge(segments, on=["r_score", "f_score", "m_score"])
    return result[
        [
            "customer_id",
            "recency_days",
            "frequency",
            "monetary_cents",
            "r_score",
            "f_score",
            "m_score",
            "segment",
        ]
    ]
