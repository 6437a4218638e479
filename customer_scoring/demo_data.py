"""Deterministic, vectorised demo data for the warehouse.

Writes the raw files that the dbt sources read (Parquet, one file per table):

- ``customers.parquet``      CRM export: B2C and B2B customers, with PII (email) that
                              staging drops, and a few internal test accounts.
- ``products.parquet``       catalogue: products in categories with a list price.
- ``transactions.parquet``   order lines in the bring-your-own shape
                              (customer_id, order_id, ordered_at, amount, currency, status,
                              plus product_id, line_number, quantity).
- ``exchange_rates.parquet`` daily rates from each order currency to EUR.
- behaviour between purchases (web events, e-mail events, surveys, reviews, preference-
  centre interests): see ``demo_behaviour.py``;
- subscriptions, invoices, payments and insolvency proceedings: see ``demo_accounts.py``.

How purchases are drawn (so scores have something real to find):

- each buyer's first order is on their signup day; repeat orders follow a Poisson process
  whose rate is Gamma-distributed across customers (heterogeneous purchase rates);
- each buyer stays active for an exponentially distributed time, then stops buying
  (customers who stop buying, as in the buy-till-you-die models);
- customers favour a pair of related categories (books and music, home and kitchen, ...),
  so categories are bought together and cross-sell has something to find;
- some lapsed customers come back after a long gap (win-back), more often the engaged ones;
- order days follow a seasonal profile (growth, weekends, November–December peak,
  summer dip), drawn by inverse CDF so no loop runs over orders;
- spend is heavy-tailed: log-normal list prices, Gamma basket sizes, B2B bulk buying;
- a few orders are cancelled, some lines are returned in full or refunded in part
  (an extra row with status ``returned``/``refunded`` and the amount deducted).

Dirty rows, a small realistic share, for the input guards to catch: exact duplicate rows,
missing customer and order ids, zero and negative amounts, orders dated in the future,
and test accounts. The history ends the day before the as-of date.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

REPORTING_CURRENCY = "EUR"

# country -> (currency, share of customers, regions)
COUNTRIES = {
    "FR": (
        "EUR",
        0.46,
        [
            "Ile-de-France",
            "Auvergne-Rhone-Alpes",
            "Occitanie",
            "Hauts-de-France",
            "Nouvelle-Aquitaine",
            "Grand Est",
            "Bretagne",
            "Provence-Alpes-Cote d'Azur",
        ],
    ),
    "BE": ("EUR", 0.08, ["Brussels", "Flanders", "Wallonia"]),
    "DE": ("EUR", 0.14, ["Bavaria", "Berlin", "Hamburg", "North Rhine-Westphalia"]),
    "GB": ("GBP", 0.14, ["London", "North West", "Scotland", "South East"]),
    "CH": ("CHF", 0.06, ["Geneva", "Vaud", "Zurich"]),
    "US": ("USD", 0.12, ["California", "New York", "Texas", "Illinois"]),
}
# currency -> (EUR per unit at the start of history, daily volatility)
CURRENCIES = {"EUR": (1.0, 0.0), "GBP": (1.17, 0.003), "USD": (0.92, 0.004), "CHF": (1.04, 0.003)}

CATEGORIES = {  # category -> (median list price in EUR, share of the catalogue)
    "Books": (18.0, 0.16),
    "Music": (15.0, 0.08),
    "Stationery": (9.0, 0.10),
    "Home": (45.0, 0.14),
    "Kitchen": (35.0, 0.10),
    "Garden": (60.0, 0.07),
    "Electronics": (180.0, 0.12),
    "Fashion": (55.0, 0.13),
    "Beauty": (25.0, 0.06),
    "Toys": (30.0, 0.04),
}
# pairs of categories a customer tends to buy from together, and how common each pair is
CATEGORY_PAIRS = [
    (("Books", "Music"), 0.16),
    (("Books", "Stationery"), 0.12),
    (("Home", "Kitchen"), 0.16),
    (("Home", "Garden"), 0.10),
    (("Electronics", "Toys"), 0.10),
    (("Electronics", "Music"), 0.10),
    (("Fashion", "Beauty"), 0.18),
    (("Kitchen", "Garden"), 0.08),
]
PREFERRED_LINE_SHARE = 0.55  # share of lines drawn from the customer's preferred pair
TOWN_SIZES = ["rural", "small town", "medium city", "large city", "metropolis"]
HOUSING = ["house", "apartment"]
CHANNELS = [
    "organic search",
    "paid search",
    "social",
    "email",
    "referral",
    "marketplace",
    "retail store",
    "direct",
]
SECTORS = [
    "retail",
    "hospitality",
    "education",
    "health",
    "manufacturing",
    "public sector",
    "professional services",
    "technology",
]
COMPANY_SIZES = ["1-9", "10-49", "50-249", "250+"]
TEST_DOMAINS = ["example.com", "test.local"]
CURRENCY_CODES = list(CURRENCIES)
LINE_STATUSES = ["completed", "cancelled", "returned", "refunded"]


@dataclass(frozen=True)
class DemoConfig:
    customers: int = 50_000
    years: float = 3.0
    as_of: dt.date = field(default_factory=dt.date.today)
    seed: int = 42
    orders_per_customer: float = 10.0  # mean over all customers, before data defects
    b2b_share: float = 0.15
    never_bought_share: float = 0.06  # signed up, no order yet
    dirty_share: float = 0.006  # share of transaction rows touched by defects, all kinds


@dataclass
class DemoSummary:
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


def _day_weights(start: dt.date, days: int) -> np.ndarray:
    """Relative order intensity of each day: growth, weekly and yearly seasonality."""
    dates = np.arange(np.datetime64(start), np.datetime64(start) + days)
    day_of_year = (dates - dates.astype("datetime64[Y]")).astype(int)
    weekday = (dates.astype(int) + 3) % 7  # 1970-01-01 was a Thursday: Monday = 0
    growth = 1.0 + 0.3 * np.arange(days) / max(days, 1)
    weekend = np.where(weekday >= 5, 1.15, 1.0)
    peak = 1.0 + 0.8 * np.exp(-(((day_of_year - 335) / 18.0) ** 2))  # early December
    january_sales = 1.0 + 0.25 * np.exp(-(((day_of_year - 12) / 8.0) ** 2))
    summer_dip = 1.0 - 0.2 * np.exp(-(((day_of_year - 222) / 15.0) ** 2))  # mid August
    return growth * weekend * peak * january_sales * summer_dip


def _pick(rng: np.random.Generator, values: list, size: int, p=None) -> np.ndarray:
    return np.asarray(values, dtype=object)[rng.choice(len(values), size=size, p=p)]


def _choose_products(
    rng: np.random.Generator,
    popularity: np.ndarray,
    product_category: np.ndarray,
    pair_of_row: np.ndarray,
    preferred_share: float,
) -> np.ndarray:
    """One product per row: from the row's preferred category pair with probability
    ``preferred_share`` (by popularity within the category), else from the whole catalogue.
    Products of a category are contiguous, so each draw is one search in the global CDF."""
    names = list(CATEGORIES)
    pair_codes = np.array([[names.index(a), names.index(b)] for (a, b), _ in CATEGORY_PAIRS])
    cdf = np.concatenate([[0.0], np.cumsum(popularity)])
    first = np.searchsorted(product_category, np.arange(len(names)), side="left")
    last = np.searchsorted(product_category, np.arange(len(names)), side="right")
    rows = len(pair_of_row)
    category = pair_codes[pair_of_row, rng.integers(0, 2, rows)]
    preferred = rng.random(rows) < preferred_share
    lo = np.where(preferred, cdf[first[category]], 0.0)
    hi = np.where(preferred, cdf[last[category]], cdf[-1])
    product = np.searchsorted(cdf, lo + rng.random(rows) * (hi - lo), side="right") - 1
    return np.clip(product, 0, len(popularity) - 1)


def _ids(prefix: str, numbers: np.ndarray, width: int, block: int = 0) -> pa.Array:
    """Zero-padded string ids, built in Arrow rather than a Python loop. Large arrays use
    64-bit offsets: tens of millions of ids overflow a plain string array's 2 GB. Ids
    numbered inside a block of customers (sessions, invoices, ...) carry the block number
    after the prefix from the second block on (S2-000000001), so blocks never share one."""
    import pyarrow.compute as pc

    if block:
        prefix = f"{prefix}{block}-"
    text = pa.large_string() if len(numbers) > 10_000_000 else pa.string()
    digits = pc.utf8_lpad(pc.cast(pa.array(numbers, type=pa.int64()), text), width, "0")
    return pc.binary_join_element_wise(pa.scalar(prefix, text), digits, pa.scalar("", text))


def _with_nulls(values: pa.Array, mask: np.ndarray) -> pa.Array:
    """``values`` with nulls where ``mask`` is true."""
    import pyarrow.compute as pc

    return pc.if_else(pa.array(mask), pa.scalar(None, values.type), values)


def _labels(codes: np.ndarray, labels: list[str]) -> pa.Array:
    """Strings from integer codes, dictionary-encoded (no Python string per row)."""
    return pa.DictionaryArray.from_arrays(pa.array(codes, pa.int8()), pa.array(labels))


def _customers(rng: np.random.Generator, cfg: DemoConfig, history_days: int, n: int, first: int):
    """Customers first+1 .. first+n."""
    # signups accelerate over time (density grows like t^0.6)
    signup_day = np.floor(history_days * rng.random(n) ** (1 / 1.6)).astype(np.int64)
    signup_day = np.minimum(signup_day, history_days - 1)
    country_codes = list(COUNTRIES)
    country_idx = rng.choice(len(country_codes), size=n, p=[COUNTRIES[c][1] for c in country_codes])
    country = np.asarray(country_codes, dtype=object)[country_idx]
    currency_of_country = [CURRENCY_CODES.index(COUNTRIES[c][0]) for c in country_codes]
    currency = np.asarray(currency_of_country, dtype=np.int8)[country_idx]
    region = np.empty(n, dtype=object)
    for i, code in enumerate(country_codes):
        mask = country_idx == i
        region[mask] = _pick(rng, COUNTRIES[code][2], int(mask.sum()))
    is_b2b = rng.random(n) < cfg.b2b_share
    gender = _pick(rng, ["F", "M", "X", None], n, p=[0.49, 0.46, 0.01, 0.04])
    birth_year = (cfg.as_of.year - np.clip(rng.normal(43, 14, n), 18, 90)).astype(np.int64)
    sector = _pick(rng, SECTORS, n)
    size_idx = rng.choice(len(COMPANY_SIZES), size=n, p=[0.45, 0.3, 0.17, 0.08])
    company_size = np.asarray(COMPANY_SIZES, dtype=object)[size_idx]
    low, high = np.array([1, 10, 50, 250]), np.array([9, 49, 249, 5000])
    headcount = (low[size_idx] + rng.random(n) * (high[size_idx] - low[size_idx])).astype(np.int64)
    numbers = np.arange(first + 1, first + n + 1)
    emails = _ids("customer", numbers, 7).to_numpy(zero_copy_only=False).astype(object)
    domains = _pick(rng, ["mail.example.org", "post.example.net", "inbox.example.fr"], n)
    is_test = rng.random(n) < 0.002
    domains[is_test] = _pick(rng, TEST_DOMAINS, int(is_test.sum()))
    emails = emails + "@" + domains
    start = np.datetime64(cfg.as_of) - history_days
    signup_at = (start + signup_day).astype("datetime64[s]") + rng.integers(0, 86_400, n)
    table = pa.table(
        {
            "customer_id": _ids("C", numbers, 7),
            "email": pa.array(emails, type=pa.string()),
            "customer_type": pa.array(np.where(is_b2b, "B2B", "B2C").astype(object), pa.string()),
            "gender": pa.array(np.where(is_b2b, None, gender), pa.string()),
            "birth_year": pa.array(birth_year, mask=is_b2b),
            "country": pa.array(country, pa.string()),
            "region": pa.array(region, pa.string()),
            "town_size": pa.array(
                _pick(rng, TOWN_SIZES, n, p=[0.2, 0.25, 0.25, 0.2, 0.1]), pa.string()
            ),
            "housing_type": pa.array(
                np.where(is_b2b, None, _pick(rng, HOUSING, n, p=[0.55, 0.45])), pa.string()
            ),
            "company_sector": pa.array(np.where(is_b2b, sector, None), pa.string()),
            "company_size": pa.array(np.where(is_b2b, company_size, None), pa.string()),
            "company_headcount": pa.array(headcount, mask=~is_b2b),
            "acquisition_channel": pa.array(_pick(rng, CHANNELS, n), pa.string()),
            "signed_up_at": pa.array(signup_at),
            "email_opt_in": pa.array(rng.random(n) < 0.62),
            "profiling_consent": pa.array(rng.random(n) < 0.71),
        }
    )
    return table, signup_day, is_b2b, currency


def _products(rng: np.random.Generator) -> tuple[pa.Table, np.ndarray, np.ndarray]:
    names = list(CATEGORIES)
    per_category = np.maximum(1, np.round(np.array([CATEGORIES[c][1] for c in names]) * 400))
    category = np.repeat(np.asarray(names, dtype=object), per_category.astype(int))
    median = np.repeat(np.array([CATEGORIES[c][0] for c in names]), per_category.astype(int))
    count = len(category)
    price = np.round(median * rng.lognormal(0.0, 0.6, count), 2)
    price = np.maximum(price, 0.99)
    popularity = 1.0 / np.arange(1, count + 1) ** 0.9
    popularity = rng.permutation(popularity)
    popularity /= popularity.sum()
    table = pa.table(
        {
            "product_id": _ids("P", np.arange(1, count + 1), 5),
            "product_name": pa.array([f"{c} item {i + 1}" for i, c in enumerate(category)]),
            "category": pa.array(category, pa.string()),
            "list_price": pa.array(price),
        }
    )
    category_code = np.repeat(np.arange(len(names)), per_category.astype(int))
    return table, price, popularity, category_code


def _exchange_rates(rng: np.random.Generator, start: np.datetime64, days: int):
    """Daily rates (EUR per unit) as geometric random walks: a table, and a matrix
    [currency code, day] for converting prices."""
    frames = []
    walks = np.ones((len(CURRENCY_CODES), days))
    dates = (start + np.arange(days)).astype("datetime64[D]")
    for i, (code, (base, vol)) in enumerate(CURRENCIES.items()):
        if code != REPORTING_CURRENCY:
            walks[i] = np.round(base * np.exp(np.cumsum(rng.normal(0, vol, days))), 6)
            frames.append(
                pa.table(
                    {
                        "rate_date": pa.array(dates),
                        "from_currency": pa.array(np.full(days, code, dtype=object), pa.string()),
                        "to_currency": pa.array(
                            np.full(days, REPORTING_CURRENCY, dtype=object), pa.string()
                        ),
                        "rate": pa.array(walks[i]),
                    }
                )
            )
    return pa.concat_tables(frames), walks


ORDER_TABLES = ("customers", "products", "transactions", "exchange_rates")
BLOCK_CUSTOMERS = 1_000_000  # customers drawn at a time: memory stays flat at any scale


def generate(
    cfg: DemoConfig, out_dir: Path | str, progress=print, orders_only: bool = False
) -> DemoSummary:
    """Generate the demo files into ``out_dir``; same config and seed, same bytes of data.

    Customers are drawn in blocks of BLOCK_CUSTOMERS, each block with its own random
    streams and its rows appended to the files, so memory does not grow with the scale.
    (Up to one block the data are those of a single draw.) orders_only writes the files
    the RFM path reads (ORDER_TABLES) and no behaviour or billing files."""
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
        for block, first in enumerate(range(0, cfg.customers, BLOCK_CUSTOMERS)):
            size = min(BLOCK_CUSTOMERS, cfg.customers - first)
            if cfg.customers > BLOCK_CUSTOMERS:
                progress(f"  block {block + 1}: customers {first + 1:,} .. {first + size:,}")
            tables, shared, orders = _block(
                cfg,
                history_days,
                start,
                block,
                first,
                size,
                first_order,
                shared,
                orders_only,
                progress,
            )
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
    customers, signup_day, is_b2b, currency = _customers(rng, cfg, history_days, n, first)
    fresh = shared is None
    if fresh:
        products, price, popularity, product_category = _products(rng)
        rates, walks = _exchange_rates(rng, start, history_days)
        shared = (products, price, popularity, product_category, rates, walks)
        progress(f"  customers {customers.num_rows:,}, products {products.num_rows:,}")
    products, price, popularity, product_category, rates, walks = shared

    # --- purchase process -------------------------------------------------------------
    buys = rng.random(n) >= cfg.never_bought_share
    rate = rng.gamma(shape=0.8, scale=1.0, size=n) * np.where(is_b2b, 1.6, 1.0)
    lifetime = rng.exponential(scale=1.6 * 365.25, size=n)
    active_end = np.minimum(signup_day + lifetime, history_days - 1e-9)
    active_days = np.maximum(active_end - signup_day, 0.0)
    exposure = np.where(buys, rate * active_days, 0.0)
    repeat_target = max(cfg.orders_per_customer * n - buys.sum(), 0.0)
    scale = repeat_target / exposure.sum() if exposure.sum() > 0 else 0.0
    repeats = rng.poisson(exposure * scale)
    orders_per = np.where(buys, 1 + repeats, 0)
    total_orders = int(orders_per.sum())
    order_customer = np.repeat(np.arange(n), orders_per)

    # latent traits the behaviour files show (a second stream keeps the first one stable):
    # engagement follows the purchase rate loosely; satisfaction follows how long a
    # customer stays, so unhappy customers are the ones who leave
    brng = np.random.default_rng([cfg.seed, 1] if block == 0 else [cfg.seed, 1, block])
    engagement = np.sqrt(rate / rate.mean()) * brng.lognormal(0.0, 0.5, n)
    stay_rank = np.argsort(np.argsort(lifetime)) / max(n - 1, 1)
    rate_rank = np.argsort(np.argsort(rate)) / max(n - 1, 1)
    happiness = 1 / (
        1 + np.exp(-(2.5 * (stay_rank - 0.5) + 2.0 * (rate_rank - 0.5) + brng.normal(0, 0.7, n)))
    )
    pair_idx = brng.choice(len(CATEGORY_PAIRS), size=n, p=[share for _, share in CATEGORY_PAIRS])
    # win-back: a lapsed buyer may return after a long gap, more often when engaged
    gap_left = history_days - active_end
    comeback = buys & (gap_left > 200) & (brng.random(n) < np.clip(0.12 * engagement, 0, 0.5))
    comeback_day = active_end + brng.uniform(150, 600, n)
    comeback &= comeback_day < history_days - 1
    comeback_orders = np.where(comeback, 1 + brng.poisson(0.6, n), 0)
    back_customer = np.repeat(np.arange(n), comeback_orders)
    back_day = np.floor(
        comeback_day[back_customer]
        + np.where(
            np.arange(len(back_customer))
            == np.repeat(np.cumsum(comeback_orders) - comeback_orders, comeback_orders),
            0.0,
            brng.uniform(0, 60, len(back_customer)),
        )
    ).astype(np.int64)
    back_day = np.minimum(back_day, history_days - 1)

    weights = _day_weights(start.astype(dt.date), history_days)
    cdf = np.concatenate([[0.0], np.cumsum(weights)])
    first_of_customer = np.concatenate([[0], np.cumsum(orders_per)[:-1]])
    is_first = np.zeros(total_orders, dtype=bool)
    is_first[first_of_customer[buys]] = True
    # inverse-CDF draw of repeat-order days inside each customer's active window
    lo = np.interp(signup_day[order_customer], np.arange(history_days + 1), cdf)
    hi = np.interp(active_end[order_customer], np.arange(history_days + 1), cdf)
    target = lo + rng.random(total_orders) * (hi - lo)
    order_day = np.searchsorted(cdf, target, side="right") - 1
    order_day = np.clip(order_day, 0, history_days - 1)
    order_day = np.where(is_first, signup_day[order_customer], order_day)
    order_customer = np.concatenate([order_customer, back_customer])
    order_day = np.concatenate([order_day, back_day])
    total_orders = len(order_customer)
    seconds = rng.integers(7 * 3600, 23 * 3600, total_orders)
    # order ids follow time, as a shop's sequence would
    order_sort = np.lexsort((seconds, order_day))
    order_customer, order_day, seconds = (
        order_customer[order_sort],
        order_day[order_sort],
        seconds[order_sort],
    )
    progress(f"  orders {total_orders:,}")

    # --- lines --------------------------------------------------------------------------
    lines_per = 1 + rng.poisson(np.where(is_b2b[order_customer], 1.5, 0.6))
    line_order = np.repeat(np.arange(total_orders), lines_per)
    line_number = (
        np.arange(len(line_order)) - np.repeat(np.cumsum(lines_per) - lines_per, lines_per) + 1
    )
    line_customer = order_customer[line_order]
    product = _choose_products(
        brng, popularity, product_category, pair_idx[line_customer], PREFERRED_LINE_SHARE
    )
    basket = rng.gamma(0.5, 0.8, n) * np.where(is_b2b, 6.0, 1.0)
    quantity = 1 + rng.poisson(basket[line_customer])
    line_day = order_day[line_order]
    line_currency = currency[line_customer]
    amount = np.round(price[product] * quantity / walks[line_currency, line_day], 2)

    cancelled_order = rng.random(total_orders) < 0.03
    status = np.where(cancelled_order[line_order], 1, 0).astype(np.int8)  # LINE_STATUSES
    can_adjust = ~cancelled_order[line_order]
    draw = rng.random(len(line_order))
    returned = can_adjust & (draw < 0.04)
    refunded = can_adjust & (draw >= 0.04) & (draw < 0.055)
    adjust = returned | refunded
    adjust_amount = np.where(
        returned, amount, np.round(amount * rng.uniform(0.1, 0.5, len(amount)), 2)
    )
    adjust_amount = np.maximum(adjust_amount, 0.01)

    idx = np.concatenate([np.arange(len(line_order)), np.flatnonzero(adjust)])
    row_status = np.concatenate([status, np.where(returned[adjust], 2, 3).astype(np.int8)])
    row_amount = np.concatenate([amount, adjust_amount[adjust]])
    row_order = line_order[idx]
    row_day = line_day[idx]

    # --- dirty rows ---------------------------------------------------------------------
    rows = len(idx)
    share = cfg.dirty_share
    row_customer_missing = rng.random(rows) < share * 0.1
    row_order_missing = rng.random(rows) < share * 0.1
    bad_amount = rng.random(rows) < share * 0.15
    row_amount = np.where(
        bad_amount, np.where(rng.random(rows) < 0.5, 0.0, -row_amount), row_amount
    )
    future_order = rng.random(total_orders) < share * 0.1
    future_shift = rng.integers(history_days + 30, history_days + 3 * 365, total_orders)
    row_day = np.where(future_order[row_order], row_day + future_shift[row_order], row_day)
    duplicate = np.flatnonzero(rng.random(rows) < share * 0.5)
    final = np.concatenate([np.arange(rows), duplicate])
    final = final[np.argsort(final, kind="stable")]  # duplicates sit beside their twin

    ordered_at = ((start + row_day).astype("datetime64[s]") + seconds[row_order])[final]
    order_ids = _ids("O", first_order + row_order[final] + 1, 9)
    customer_ids = _ids("C", first + line_customer[idx][final] + 1, 7)
    transactions = pa.table(
        {
            "order_id": _with_nulls(order_ids, row_order_missing[final]),
            "line_number": pa.array(line_number[idx][final]),
            "customer_id": _with_nulls(customer_ids, row_customer_missing[final]),
            "ordered_at": pa.array(ordered_at),
            "product_id": _ids("P", product[idx][final] + 1, 5),
            "quantity": pa.array(quantity[idx][final]),
            "amount": pa.array(row_amount[final]),
            "currency": _labels(line_currency[idx][final], CURRENCY_CODES),
            "status": _labels(row_status[final], LINE_STATUSES),
        }
    )
    progress(f"  transaction rows {transactions.num_rows:,}")
    tables = {
        "customers": customers,
        **({"products": products} if fresh else {}),
        "transactions": transactions,
        **({"exchange_rates": rates} if fresh else {}),
    }
    if orders_only:
        return tables, shared, total_orders

    from customer_scoring.demo_behaviour import World, generate_behaviour

    world = World(
        rng=brng,
        start=start,
        history_days=history_days,
        signup_day=signup_day,
        active_end=active_end,
        is_b2b=is_b2b,
        email_opt_in=customers.column("email_opt_in").to_numpy(zero_copy_only=False),
        engagement=engagement,
        happiness=happiness,
        preferred_pair_index=pair_idx,
        comeback=comeback,
        comeback_day=comeback_day,
        order_customer=order_customer,
        order_day=order_day,
        order_seconds=seconds,
        order_cancelled=cancelled_order,
        order_product=product[np.cumsum(lines_per) - lines_per],
        product_category=product_category,
        popularity=popularity,
        dirty_share=cfg.dirty_share,
        customer_ids=customers.column("customer_id").combine_chunks(),
        product_ids=products.column("product_id").combine_chunks(),
        categories=list(CATEGORIES),
        block=block,
    )
    behaviour = generate_behaviour(world)
    from customer_scoring.demo_accounts import receivables, subscription_events

    order_value = np.bincount(line_order, weights=price[product] * quantity, minlength=total_orders)
    behaviour["subscription_events"] = subscription_events(world)
    behaviour.update(receivables(world, order_value))
    progress("  " + ", ".join(f"{name} {table.num_rows:,}" for name, table in behaviour.items()))
    return {**tables, **behaviour}, shared, total_orders
