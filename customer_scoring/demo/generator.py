"""The demo files, drawn block by block: deterministic, at any scale, a little dirty.

Writes the raw files the dbt sources read (Parquet, one file per table, zstd) into one
folder: customers, products, transactions and exchange_rates (orders.py, catalogue.py);
web_events, email_events, survey_responses, product_reviews and customer_interests
(behaviour.py); subscription_events, invoices, payments and legal_events (accounts.py);
leads, lead_identifications, lead_interactions and lead_conversions, with the leads'
anonymous page views appended to web_events (leads.py, its own stream [seed, 3, block]);
consent_events and rights_requests (privacy.py); campaigns and campaign_assignments, with
the orders of the planted campaign effects appended to transactions (campaigns.py, its own
stream [seed, 4, block]).
The history ends the day before the as-of date.

Each block of customers has its own random streams: the main one (seed, then
[seed, 2, block]) for customers, the catalogue, rates and orders, and a second one
([seed, 1] or [seed, 1, block]) for latent traits and behaviour. Same config, same bytes.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from customer_scoring.demo.accounts import receivables, subscription_events
from customer_scoring.demo.behaviour import generate_behaviour
from customer_scoring.demo.campaigns import campaign_inputs
from customer_scoring.demo.catalogue import products
from customer_scoring.demo.config import DemoConfig
from customer_scoring.demo.leads import generate_leads
from customer_scoring.demo.orders import (
    CURRENCY_CODES,
    draw_customers,
    draw_orders,
    exchange_rates,
)
from customer_scoring.demo.privacy import privacy_inputs

ORDER_TABLES = ("customers", "products", "transactions", "exchange_rates")
BLOCK_CUSTOMERS = 1_000_000  # customers drawn at a time: memory stays flat at any scale


@dataclass
class DemoSummary:
    """What ``generate`` wrote: rows per file (file stem -> rows), the first and last day
    of history, and the wall time in seconds."""

    out_dir: Path
    rows: dict[str, int]
    history_start: dt.date
    history_end: dt.date
    seconds: float

    def __str__(self) -> str:
        parts = ", ".join(f"{name}: {count:,}" for name, count in self.rows.items())
        return (
            f"demo data in {self.out_dir} ({self.history_start} .. {self.history_end}), "
            f"{parts}; {self.seconds:.1f} s"
        )


def generate(
    cfg: DemoConfig,
    out_dir: Path | str,
    progress=print,
    orders_only: bool = False,
    block_customers: int = BLOCK_CUSTOMERS,
) -> DemoSummary:
    """Generate the demo files into ``out_dir`` (created; files of the same name replaced).

    Customers are drawn in blocks of ``block_customers``, each block with its own random
    streams and its rows appended to the files, so memory does not grow with the scale
    (up to one block the data are those of a single draw). ``orders_only`` writes only the
    files the RFM path reads (ORDER_TABLES). ``progress`` receives one line per stage.

    Raises ValueError when cfg.customers < 1 or cfg.years <= 0.
    """
    started = time.perf_counter()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if cfg.customers < 1 or cfg.years <= 0:
        raise ValueError("customers must be at least 1 and years above 0")
    history_days = max(int(round(cfg.years * 365.25)), 2)
    start = np.datetime64(cfg.as_of) - history_days  # last day of history: as_of - 1
    writers: dict[str, pq.ParquetWriter] = {}
    rows: dict[str, int] = {}
    shared = None  # products and exchange rates, drawn once
    first_order = 0
    try:
        for block, first in enumerate(range(0, cfg.customers, block_customers)):
            size = min(block_customers, cfg.customers - first)
            if cfg.customers > block_customers:
                progress(f"  block {block + 1}: customers {first + 1:,} .. {first + size:,}")
            tables, shared, orders = _block(
                cfg, history_days, start, block, first, size, first_order, shared, orders_only,
                progress,
            )  # fmt: skip
            first_order += orders
            for name, table in tables.items():
                if name not in writers:
                    writers[name] = pq.ParquetWriter(
                        out / f"{name}.parquet", table.schema, compression="zstd"
                    )
                # (a block with more rows than another may hold its ids as large strings)
                writers[name].write_table(table.cast(writers[name].schema))
                rows[name] = rows.get(name, 0) + table.num_rows
    finally:
        for writer in writers.values():
            writer.close()
    return DemoSummary(
        out_dir=out,
        rows=rows,
        history_start=start.astype(dt.date),
        history_end=(start + history_days - 1).astype(dt.date),
        seconds=time.perf_counter() - started,
    )


def _block(
    cfg: DemoConfig,
    history_days: int,
    start: np.datetime64,
    block: int,
    first: int,
    n: int,
    first_order: int,
    shared,
    orders_only: bool,
    progress,
):
    """The rows of customers first+1 .. first+n: ({table: rows}, shared, orders).
    Products and exchange rates come with the first block only."""
    rng = np.random.default_rng(cfg.seed if block == 0 else [cfg.seed, 2, block])
    customers, signup_day, is_b2b, currency = draw_customers(rng, cfg, history_days, n, first)
    fresh = shared is None
    if fresh:
        catalogue, price, popularity, product_category = products(rng)
        rates, walks = exchange_rates(rng, start, history_days)
        shared = (catalogue, price, popularity, product_category, rates, walks)
        progress(f"  customers {customers.num_rows:,}, products {catalogue.num_rows:,}")
    catalogue, price, popularity, product_category, rates, walks = shared
    orders = draw_orders(
        rng, cfg, customers, signup_day, is_b2b, currency,
        (catalogue, price, popularity, product_category, walks),
        start, history_days, block, first, first_order, progress,
    )  # fmt: skip
    # the planted campaign effects are orders: the transactions hold them in both modes
    campaigns, planted, planted_orders = campaign_inputs(
        orders.world, cfg.seed, orders.order_value, currency, CURRENCY_CODES,
        orders.transactions.schema, first_order + orders.count,
    )  # fmt: skip
    tables = {
        "customers": customers,
        **({"products": catalogue} if fresh else {}),
        "transactions": pa.concat_tables([orders.transactions, planted]),
        **({"exchange_rates": rates} if fresh else {}),
    }
    if orders_only:
        return tables, shared, orders.count + planted_orders
    behaviour = generate_behaviour(orders.world)
    leads = generate_leads(orders.world, cfg.seed, cfg.leads_per_customer)
    # the leads' anonymous page views are rows of the web analytics export too
    behaviour["web_events"] = pa.concat_tables(
        [behaviour["web_events"], leads.pop("lead_web_events")]
    )
    behaviour.update(leads)
    behaviour["subscription_events"] = subscription_events(orders.world)
    behaviour.update(receivables(orders.world, orders.order_value))
    behaviour.update(privacy_inputs(orders.world, cfg.seed))
    behaviour.update(campaigns)
    progress("  " + ", ".join(f"{name} {table.num_rows:,}" for name, table in behaviour.items()))
    return {**tables, **behaviour}, shared, orders.count + planted_orders
