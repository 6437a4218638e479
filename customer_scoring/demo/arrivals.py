"""The demo files as a loader saw them on an earlier day: the history replayed day by day.

The demo generator writes the whole history up to its as-of date. A nightly run on day d
sees less: the rows dated before d that have arrived by then. Most rows arrive the day
after they happen; some arrive late, as in a real shop:

- late orders: a share of orders (all their lines) arrives 1..max_late_days days late;
- changed orders: a return or refund row arrives 1..max_change_days days after its order,
  so an order seen as completed one night is returned the next.

Rows dated on or after the generator's as-of date (the defects dated in the future) are
there every day, for the input guards to reject. The delays are drawn from a hash of the
order, so a row arrives on the same day in every replay.

    files_on_day(demo_dir, out_dir, day=dt.date(2026, 6, 25), end=dt.date(2026, 6, 30))

The 7-day nightly simulation (tests/python/test_simulation.py) and the benchmark's
incremental step replay days with it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

# the column that dates each row of a demo file; files without one are copied whole
DATE_COLUMNS = {
    "consent_events": "event_at",
    "customers": "signed_up_at",
    "customer_interests": "updated_at",
    "email_events": "event_at",
    "exchange_rates": "rate_date",
    "invoices": "issued_at",
    "lead_conversions": "converted_at",
    "lead_identifications": "identified_at",
    "lead_interactions": "occurred_at",
    "leads": "created_at",
    "legal_events": "event_date",
    "payments": "paid_at",
    "product_reviews": "reviewed_at",
    "rights_requests": "requested_at",
    "subscription_events": "event_at",
    "survey_responses": "answered_at",
    "transactions": "ordered_at",
    "web_events": "event_at",
}


@dataclass(frozen=True)
class Arrivals:
    """How late rows arrive: the share (0..1) of orders that arrive late, by up to
    max_late_days days, and returns/refunds arriving up to max_change_days after."""

    late_order_share: float = 0.03
    max_late_days: int = 3
    max_change_days: int = 5


def _sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def arrival_day_sql(name: str, arrivals: Arrivals) -> str:
    """SQL for the day a row of file `name` arrives (DuckDB)."""
    day = f"cast({DATE_COLUMNS[name]} as date)"
    if name != "transactions":
        return day
    # hash() of DuckDB is stable for a given value: the same order is late in every replay
    late_per_mille = int(round(arrivals.late_order_share * 1000))
    return (
        f"{day} + cast(case "
        f"when status in ('returned', 'refunded') "
        f"then 1 + hash(order_id, line_number, 'change') % {arrivals.max_change_days} "
        f"when hash(order_id, 'late') % 1000 < {late_per_mille} "
        f"then 1 + hash(order_id, 'delay') % {arrivals.max_late_days} "
        f"else 0 end as integer)"
    )


def files_on_day(
    demo_dir: Path | str,
    out_dir: Path | str,
    day: dt.date,
    end: dt.date,
    arrivals: Arrivals = Arrivals(),
) -> dict[str, int]:
    """Write into out_dir the demo files (generated as of `end`) as they stood on `day`:
    the rows that had arrived before it. Returns the rows written per file."""
    import duckdb

    if day > end:
        raise ValueError(f"day {day} is after the end of the generated history ({end})")
    source, out = Path(demo_dir), Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rows = {}
    with duckdb.connect() as con:
        for path in sorted(source.glob("*.parquet")):
            name = path.stem
            target = out / path.name
            query = f"select * from read_parquet({_sql_string(str(path))})"
            if name in DATE_COLUMNS:
                column = DATE_COLUMNS[name]
                query += (
                    f" where {column} is null"
                    f" or cast({column} as date) >= date '{end.isoformat()}'"
                    f" or {arrival_day_sql(name, arrivals)} < date '{day.isoformat()}'"
                )
            con.execute(
                f"copy ({query}) to {_sql_string(str(target))} (format parquet, compression zstd)"
            )
            rows[name] = con.sql(
                f"select count(*) from read_parquet({_sql_string(str(target))})"
            ).fetchall()[0][0]
    return rows
