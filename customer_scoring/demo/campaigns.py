"""Campaigns with a control group and known effects: what the campaign results must find.

- ``campaigns.parquet``            the campaign calendar: the monthly newsletters of
                                    ``email_events`` (NL0001, ...) and the offers below.
- ``campaign_assignments.parquet`` who each offer targeted (treatment) or held out (control).

Each offer targets every customer with an order before its start date; half of them, at
random, are held out as its control group. Real campaigns hold out 5-15%; the demo holds
out 50% because the standard error of a difference-in-differences grows with
sqrt(1/treated + 1/control), which a 50/50 split makes smallest for a given number of
customers: on a 2,000-customer test demo the planted effects stand clear of zero.

Planted effects (PLANTED_OFFERS): an offer raises the share of treated customers who buy in
the POST_DAYS days from its start by a known number of points per value tier at launch
(VIP, Regular, Occasional): among treated customers of a tier without an order in that
window who are still alive at its start, a share q gets one extra order on a random day of
it, q chosen so that the expected rise is the planted one (q = effect / share alive
without an order; see conversion_shares: a dead customer does not answer an offer, or the
purchase models would see the dead buy again). The control group
gets nothing, and neither does anyone of the placebo offer. The tier at launch is
recomputed here the way the warehouse computes it (quintiles of recency, frequency and
monetary by the mid-rank rule among customers with an order before the start, equal
weights, the thresholds of seeds/value_tiers.csv) from the orders the generator drew:
returns and dirty rows, which it ignores, move a few customers across a tier boundary.

Drawn from their own random stream ([seed, 4, block]), after the orders, so every other
file keeps its bytes; the extra orders are appended to the transactions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from customer_scoring.demo.behaviour import NEWSLETTER_EVERY_DAYS
from customer_scoring.demo.columns import ids, labels, timestamps
from customer_scoring.demo.world import World

TIERS = ["VIP", "Regular", "Occasional"]
TIER_MIN_RFM_SCORE = [75.0, 40.0, 0.0]  # seeds/value_tiers.csv
POST_DAYS = 30  # the default of var campaign_post_days
GROUPS = ["treatment", "control"]
CONTROL_SHARE = 0.5


@dataclass(frozen=True)
class Offer:
    """A planted campaign: id, name, offer, channel, start (days before the as-of date)
    and the planted rise of the post-period conversion rate per tier (points, 0..100)."""

    campaign_id: str
    name: str
    offer: str
    channel: str
    days_before_as_of: int
    effect_points: dict[str, float]


PLANTED_OFFERS = [
    Offer("CP001", "Summer sale", "20% off", "email", 330,
          {"VIP": 5.0, "Regular": 10.0, "Occasional": 15.0}),
    Offer("CP002", "Loyalty points x2", "double points", "email", 270,
          {"VIP": 15.0, "Regular": 8.0, "Occasional": 0.0}),
    Offer("CP003", "Autumn catalogue", "free delivery", "post", 210,
          {"VIP": 0.0, "Regular": 0.0, "Occasional": 0.0}),  # the placebo
    Offer("CP004", "Winter sale", "30% off", "email", 150,
          {"VIP": 8.0, "Regular": 12.0, "Occasional": 20.0}),
]  # fmt: skip


def _mid_rank_quintile(value: np.ndarray, higher_is_better: bool = True) -> np.ndarray:
    """Quintile 1..5 by the mid-rank rule of macro tie_safe_ntile: with B values strictly
    worse and E equal (itself included) among N, 1 + floor(5 * (B + E/2) / N)."""
    key = value if higher_is_better else -value
    ordered = np.sort(key)
    worse = np.searchsorted(ordered, key, side="left")
    equal = np.searchsorted(ordered, key, side="right") - worse
    return 1 + np.floor(5 * (2 * worse + equal) / (2 * len(key))).astype(np.int64)


def tiers_at(day: int, order_customer, order_day, order_value, n: int) -> np.ndarray:
    """Value tier index (0 VIP, 1 Regular, 2 Occasional; -1 no order) of each of the n
    customers as of the day before ``day``, from their orders before ``day``."""
    before = order_day < day
    customer = order_customer[before]
    frequency = np.bincount(customer, minlength=n)
    monetary = np.bincount(customer, weights=order_value[before], minlength=n)
    last = np.full(n, -1)
    np.maximum.at(last, customer, order_day[before])
    buyer = frequency > 0
    tier = np.full(n, -1)
    if not buyer.any():
        return tier
    r = _mid_rank_quintile((day - 1 - last[buyer]).astype(float), higher_is_better=False)
    f = _mid_rank_quintile(frequency[buyer].astype(float))
    m = _mid_rank_quintile(monetary[buyer])
    score = np.round(100 * ((r - 1) + (f - 1) + (m - 1)) / 12, 2)
    tier[buyer] = np.select(
        [score >= TIER_MIN_RFM_SCORE[0], score >= TIER_MIN_RFM_SCORE[1]], [0, 1], default=2
    )
    return tier


def conversion_shares(alive: np.ndarray, needed: float) -> np.ndarray:
    """Each customer's chance of a planted extra order, shape of ``alive`` (bool, one per
    treated customer of a tier without an order in the offer's window: alive at its start,
    i.e. before their active_end). ``needed`` is the expected number of extra orders, the
    planted rise (0..1) times the tier's treated customers; the chances sum to it, or to
    len(alive) when it is larger (everyone buys).

    An offer reaches the living: a customer past their last day buys nothing more, or the
    purchase models would see the dead buy again (the win-backs of orders.draw_orders are
    the lapsed customers who do come back). Only where the living are too few for the
    planted rise (small demos) do lapsed customers carry the rest."""
    living = int(alive.sum())
    share_alive = min(needed / living, 1.0) if living else 0.0
    rest = needed - share_alive * living
    lapsed = len(alive) - living
    share_lapsed = min(rest / lapsed, 1.0) if rest > 0 and lapsed else 0.0
    return np.where(alive, share_alive, share_lapsed)


def campaign_inputs(
    w: World,
    seed: int,
    order_value: np.ndarray,
    currency: np.ndarray,
    currency_codes: list[str],
    transactions_schema: pa.Schema,
    first_order: int,
) -> tuple[dict[str, pa.Table], pa.Table, int]:
    """({campaigns, campaign_assignments}, extra transaction rows, extra orders) of one
    block. The campaigns table comes with block 0 only. Extra orders are numbered from
    ``first_order`` + 1 (the block's orders come first); currency: each customer's index
    (n,) into currency_codes. order_value: each order's value (orders,), as orders.py draws it."""
    rng = np.random.default_rng([seed, 4, w.block])
    n = len(w.signup_day)
    as_of = w.history_days  # day index of the as-of date
    live = ~w.order_cancelled
    order_customer, order_day = w.order_customer[live], w.order_day[live]
    value = order_value[live]
    first_extra = len(order_customer)  # orders from here on are the planted ones
    assigned_campaign, assigned_customer, assigned_group = [], [], []
    for number, offer in enumerate(PLANTED_OFFERS):
        start = as_of - offer.days_before_as_of
        if start < 60:  # too little history before it to have customers
            continue
        # later offers see the orders earlier ones added: their launch tiers include them
        tier = tiers_at(start, order_customer, order_day, value, n)
        targeted = np.flatnonzero(tier >= 0)
        control = rng.random(len(targeted)) < CONTROL_SHARE
        assigned_campaign.append(np.full(len(targeted), number))
        assigned_customer.append(targeted)
        assigned_group.append(control.astype(np.int8))
        in_post = (order_day >= start) & (order_day < start + POST_DAYS)
        bought_after = np.bincount(order_customer[in_post], minlength=n) > 0
        treated = targeted[~control]
        for index, name in enumerate(TIERS):
            group = treated[tier[treated] == index]
            not_yet = group[~bought_after[group]]
            effect = offer.effect_points[name] / 100
            if effect <= 0 or len(not_yet) == 0:
                continue
            share = conversion_shares(w.active_end[not_yet] > start, effect * len(group))
            converted = not_yet[rng.random(len(not_yet)) < share]
            days = start + rng.integers(0, min(POST_DAYS, as_of - start), len(converted))
            order_customer = np.concatenate([order_customer, converted])
            order_day = np.concatenate([order_day, days])
            value = np.concatenate([value, np.round(rng.lognormal(3.6, 0.6, len(converted)), 2)])
    tables = {
        "campaign_assignments": _assignments(
            w, assigned_campaign, assigned_customer, assigned_group, rng
        )
    }
    if w.block == 0:
        tables = {"campaigns": _calendar(w), **tables}
    customer, day = order_customer[first_extra:], order_day[first_extra:]
    amount = value[first_extra:]
    count = len(customer)
    order_ids = ids("O", first_order + np.arange(count) + 1, 9)
    extra = pa.table(
        {
            "order_id": order_ids,
            "line_number": pa.array(np.ones(count, np.int64)),
            "customer_id": w.customer_ids.take(pa.array(customer)),
            "ordered_at": timestamps(w.start, day, rng.integers(7 * 3600, 23 * 3600, count)),
            "product_id": w.product_ids.take(pa.array(rng.integers(0, len(w.product_ids), count))),
            "quantity": pa.array(np.ones(count, np.int64)),
            "amount": pa.array(amount),
            "currency": labels(currency[customer], currency_codes),
            "status": labels(np.zeros(count, np.int8), ["completed"]),
        }
    )
    return tables, extra.cast(transactions_schema), count


def _assignments(w: World, campaign, customer, group, rng) -> pa.Table:
    """One row per offer and targeted customer; a few exact duplicate rows (dirty share)."""
    campaign = np.concatenate(campaign) if campaign else np.zeros(0, np.int64)
    customer = np.concatenate(customer) if customer else np.zeros(0, np.int64)
    group = np.concatenate(group) if group else np.zeros(0, np.int8)
    rows = np.arange(len(customer))
    duplicate = rows[rng.random(len(rows)) < w.dirty_share * 0.5]
    rows = np.sort(np.concatenate([rows, duplicate]), kind="stable")
    offer_ids = pa.array([offer.campaign_id for offer in PLANTED_OFFERS])
    return pa.table(
        {
            "campaign_id": offer_ids.take(pa.array(campaign[rows])),
            "customer_id": w.customer_ids.take(pa.array(customer[rows])),
            "assignment_group": labels(group[rows], GROUPS),
        }
    )


def _calendar(w: World) -> pa.Table:
    """The newsletters of email_events and the planted offers (those with history)."""
    newsletter_day = np.arange(3, w.history_days, NEWSLETTER_EVERY_DAYS)
    offers = [o for o in PLANTED_OFFERS if w.history_days - o.days_before_as_of >= 60]
    first = w.start.astype(dt.date)
    starts = [first + dt.timedelta(days=int(d)) for d in newsletter_day]
    starts += [first + dt.timedelta(days=w.history_days - o.days_before_as_of) for o in offers]
    ends = starts[: len(newsletter_day)] + [
        start + dt.timedelta(days=13) for start in starts[len(newsletter_day) :]
    ]
    count = len(newsletter_day)
    return pa.table(
        {
            "campaign_id": pa.concat_arrays(
                [
                    ids("NL", np.arange(count) + 1, 4),
                    pa.array([o.campaign_id for o in offers], pa.string()),
                ]
            ),
            "campaign_name": pa.array(
                [f"Newsletter {i + 1}" for i in range(count)] + [o.name for o in offers]
            ),
            "channel": pa.array(["email"] * count + [o.channel for o in offers]),
            "audience": pa.array([None] * (count + len(offers)), pa.string()),
            "start_date": pa.array(starts, pa.date32()),
            "end_date": pa.array(ends, pa.date32()),
            "offer": pa.array([None] * count + [o.offer for o in offers], pa.string()),
        }
    )
