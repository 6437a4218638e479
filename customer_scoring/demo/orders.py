"""Demo customers, exchange rates and orders: the files the RFM path reads.

- ``customers.parquet``      CRM export: B2C and B2B customers, with PII (email) that
                              staging drops, and a few internal test accounts.
- ``transactions.parquet``   order lines in the bring-your-own shape
                              (customer_id, order_id, ordered_at, amount, currency, status,
                              plus product_id, line_number, quantity).
- ``exchange_rates.parquet`` daily rates from each order currency to EUR.

How purchases are drawn (so scores have something real to find):

- each buyer's first order is on their signup day; repeat orders follow a Poisson process
  whose rate is Gamma-distributed across customers (heterogeneous purchase rates);
- each buyer stays active for an exponentially distributed time, then stops buying
  (customers who stop buying, as in the buy-till-you-die models);
- customers favour a pair of related categories (catalogue.py);
- some lapsed customers come back after a long gap (win-back), more often the engaged ones;
- order days follow a seasonal profile (growth, weekends, November-December peak,
  summer dip), drawn by inverse CDF so no loop runs over orders;
- spend is heavy-tailed: log-normal list prices, Gamma basket sizes, B2B bulk buying;
- a few orders are cancelled, some lines are returned in full or refunded in part
  (an extra row with status ``returned``/``refunded`` and the amount deducted).

Dirty rows, a small realistic share, for the input guards to catch: exact duplicate rows,
missing customer and order ids, zero and negative amounts, orders dated in the future,
and test accounts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from customer_scoring.demo.catalogue import (
    CATEGORIES,
    CATEGORY_PAIRS,
    PREFERRED_LINE_SHARE,
    choose_products,
)
from customer_scoring.demo.columns import ids, labels, pick, with_nulls
from customer_scoring.demo.config import DemoConfig
from customer_scoring.demo.world import World

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


def day_weights(start: dt.date, days: int) -> np.ndarray:
    """Relative order intensity of each of ``days`` days from ``start``, shape (days,):
    growth over the history, weekends, early-December peak, January sales, August dip."""
    dates = np.arange(np.datetime64(start), np.datetime64(start) + days)
    day_of_year = (dates - dates.astype("datetime64[Y]")).astype(int)
    weekday = (dates.astype(int) + 3) % 7  # 1970-01-01 was a Thursday: Monday = 0
    growth = 1.0 + 0.3 * np.arange(days) / max(days, 1)
    weekend = np.where(weekday >= 5, 1.15, 1.0)
    peak = 1.0 + 0.8 * np.exp(-(((day_of_year - 335) / 18.0) ** 2))  # early December
    january_sales = 1.0 + 0.25 * np.exp(-(((day_of_year - 12) / 8.0) ** 2))
    summer_dip = 1.0 - 0.2 * np.exp(-(((day_of_year - 222) / 15.0) ** 2))  # mid August
    return growth * weekend * peak * january_sales * summer_dip


def draw_customers(
    rng: np.random.Generator, cfg: DemoConfig, history_days: int, n: int, first: int
) -> tuple[pa.Table, np.ndarray, np.ndarray, np.ndarray]:
    """Customers first+1 .. first+n (ids C0000001 ...), drawn from ``rng``.

    Returns (table, signup_day, is_b2b, currency), the arrays (n,): the day of sign-up
    (0 .. history_days - 1, denser towards the end), whether the customer is a company,
    and the index in CURRENCY_CODES of the currency of their country.
    """
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
        region[mask] = pick(rng, COUNTRIES[code][2], int(mask.sum()))
    is_b2b = rng.random(n) < cfg.b2b_share
    gender = pick(rng, ["F", "M", "X", None], n, p=[0.49, 0.46, 0.01, 0.04])
    birth_year = (cfg.as_of.year - np.clip(rng.normal(43, 14, n), 18, 90)).astype(np.int64)
    sector = pick(rng, SECTORS, n)
    size_idx = rng.choice(len(COMPANY_SIZES), size=n, p=[0.45, 0.3, 0.17, 0.08])
    company_size = np.asarray(COMPANY_SIZES, dtype=object)[size_idx]
    low, high = np.array([1, 10, 50, 250]), np.array([9, 49, 249, 5000])
    headcount = (low[size_idx] + rng.random(n) * (high[size_idx] - low[size_idx])).astype(np.int64)
    numbers = np.arange(first + 1, first + n + 1)
    emails = ids("customer", numbers, 7).to_numpy(zero_copy_only=False).astype(object)
    domains = pick(rng, ["mail.example.org", "post.example.net", "inbox.example.fr"], n)
    is_test = rng.random(n) < 0.002
    domains[is_test] = pick(rng, TEST_DOMAINS, int(is_test.sum()))
    emails = emails + "@" + domains
    start = np.datetime64(cfg.as_of) - history_days
    signup_at = (start + signup_day).astype("datetime64[s]") + rng.integers(0, 86_400, n)
    table = pa.table(
        {
            "customer_id": ids("C", numbers, 7),
            "email": pa.array(emails, type=pa.string()),
            # contact addresses follow from the customer number (no draw: other columns
            # keep their bytes); one customer in five left no phone number
            "phone": with_nulls(ids("+336", numbers % 100_000_000, 8), numbers % 5 == 0),
            "postal_address": pc.binary_join_element_wise(
                ids("", numbers % 200 + 1, 1), pa.array(region, pa.string()), " rue des Tilleuls, "
            ),
            "customer_type": pa.array(np.where(is_b2b, "B2B", "B2C").astype(object), pa.string()),
            "gender": pa.array(np.where(is_b2b, None, gender), pa.string()),
            "birth_year": pa.array(birth_year, mask=is_b2b),
            "country": pa.array(country, pa.string()),
            "region": pa.array(region, pa.string()),
            "town_size": pa.array(
                pick(rng, TOWN_SIZES, n, p=[0.2, 0.25, 0.25, 0.2, 0.1]), pa.string()
            ),
            "housing_type": pa.array(
                np.where(is_b2b, None, pick(rng, HOUSING, n, p=[0.55, 0.45])), pa.string()
            ),
            "company_sector": pa.array(np.where(is_b2b, sector, None), pa.string()),
            "company_size": pa.array(np.where(is_b2b, company_size, None), pa.string()),
            "company_headcount": pa.array(headcount, mask=~is_b2b),
            "acquisition_channel": pa.array(pick(rng, CHANNELS, n), pa.string()),
            "signed_up_at": pa.array(signup_at),
            "email_opt_in": pa.array(rng.random(n) < 0.62),
            "profiling_consent": pa.array(rng.random(n) < 0.71),
        }
    )
    return table, signup_day, is_b2b, currency


def exchange_rates(
    rng: np.random.Generator, start: np.datetime64, days: int
) -> tuple[pa.Table, np.ndarray]:
    """Daily rates (EUR per unit of each other currency) as geometric random walks.

    Returns the exchange_rates table (one row per day and non-EUR currency) and a matrix
    (len(CURRENCY_CODES), days) of EUR per unit, 1.0 for EUR, for converting prices."""
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


@dataclass
class Orders:
    """The orders of one block of customers: the transactions file's rows, the world the
    behaviour and account files are drawn from, and each order's value in EUR at list
    price (orders,), which the invoices bill."""

    transactions: pa.Table
    world: World
    order_value: np.ndarray
    count: int  # orders drawn (the next block numbers its orders after them)


def draw_orders(
    rng: np.random.Generator,
    cfg: DemoConfig,
    customers: pa.Table,
    signup_day: np.ndarray,
    is_b2b: np.ndarray,
    currency: np.ndarray,
    catalogue: tuple,
    start: np.datetime64,
    history_days: int,
    block: int,
    first: int,
    first_order: int,
    progress,
) -> Orders:
    """The purchase process of customers first+1 .. first+n (module doc), drawn from
    ``rng`` (the block's main stream) and a second stream for latent traits, seeded from
    cfg.seed and the block (so adding a behaviour draw never shifts the orders).

    customers, signup_day, is_b2b, currency: as returned by ``customers``; catalogue:
    (products table, price, popularity, category_code) from ``catalogue.products``, plus
    the exchange-rate walks (currency code, day) from ``exchange_rates``. Order ids
    continue from ``first_order``. ``progress`` receives one line per stage.
    """
    n = customers.num_rows
    products, price, popularity, product_category, walks = catalogue
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

    weights = day_weights(start.astype(dt.date), history_days)
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
    product = choose_products(
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
    order_ids = ids("O", first_order + row_order[final] + 1, 9)
    customer_ids = ids("C", first + line_customer[idx][final] + 1, 7)
    transactions = pa.table(
        {
            "order_id": with_nulls(order_ids, row_order_missing[final]),
            "line_number": pa.array(line_number[idx][final]),
            "customer_id": with_nulls(customer_ids, row_customer_missing[final]),
            "ordered_at": pa.array(ordered_at),
            "product_id": ids("P", product[idx][final] + 1, 5),
            "quantity": pa.array(quantity[idx][final]),
            "amount": pa.array(row_amount[final]),
            "currency": labels(line_currency[idx][final], CURRENCY_CODES),
            "status": labels(row_status[final], LINE_STATUSES),
        }
    )
    progress(f"  transaction rows {transactions.num_rows:,}")

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

    order_value = np.bincount(line_order, weights=price[product] * quantity, minlength=total_orders)
    return Orders(transactions, world, order_value, total_orders)
