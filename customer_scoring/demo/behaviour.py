"""What demo customers do between purchases: the behaviour files the scores read.

Written beside the purchase files by ``generator.generate`` (Parquet, one file per table):

- ``web_events.parquet``         page views and add-to-cart events, grouped in sessions.
- ``email_events.parquet``       a monthly newsletter: sent, delivered, opened, clicked,
                                  unsubscribed, bounced.
- ``survey_responses.parquet``   NPS (0-10) and CSAT (1-5) answers after some orders.
- ``product_reviews.parquet``    1-5 star reviews after some orders.
- ``customer_interests.parquet`` preference-centre interests (psychographic).

How behaviour is linked to purchasing, so the scores have signal to find:

- every order has a purchase session (product view, add to cart) and, in the days before,
  some browsing sessions that look at the product and often put it in the cart;
- background browsing runs at a rate set by the customer's engagement while they are
  active and fades after they stop buying (slower for engaged customers); lapsed
  customers who come back browse again in the weeks before their win-back order;
- e-mail opens and clicks follow engagement and drop once a customer lapses;
- survey scores and review stars follow satisfaction, which is higher for customers who
  stay longer (unhappy customers are the ones who leave);
- browsed products and declared interests lean to the customer's preferred categories,
  including the ones they have not bought yet.

A small share of rows is dirty for the input guards: anonymous events (no customer id),
exact duplicates, unknown event types, scores out of range, dates in the future.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from customer_scoring.demo.catalogue import CATEGORY_PAIRS, choose_products
from customer_scoring.demo.columns import (
    group_offsets,
    ids,
    labels,
    take,
    time_ordered_with_duplicates,
    timestamps,
)
from customer_scoring.demo.world import World

PAGE_TYPES = ["home", "category", "product", "blog", "pricing", "contact", "demo", "cart"]
# share of page views by type outside a purchase: B2C, B2B (more pricing, contact, demo)
PAGE_MIX_B2C = [0.25, 0.22, 0.33, 0.12, 0.03, 0.02, 0.01, 0.02]
PAGE_MIX_B2B = [0.18, 0.18, 0.26, 0.10, 0.11, 0.08, 0.07, 0.02]
EVENT_TYPES = ["page_view", "add_to_cart"]
EMAIL_EVENT_TYPES = ["sent", "delivered", "opened", "clicked", "unsubscribed", "bounced"]
SURVEY_TYPES = ["nps", "csat"]
# preference-centre topics: one per category, and some that match no category
CATEGORY_INTERESTS = {
    "Books": "reading",
    "Music": "music",
    "Stationery": "writing",
    "Home": "home decor",
    "Kitchen": "cooking",
    "Garden": "gardening",
    "Electronics": "technology",
    "Fashion": "fashion",
    "Beauty": "wellness",
    "Toys": "family",
}
OTHER_INTERESTS = ["travel", "sport", "sustainability"]
NEWSLETTER_EVERY_DAYS = 28


def _browsed_products(w: World, customer: np.ndarray) -> np.ndarray:
    """Products a customer looks at: preferred categories two times in three."""
    pair_of_row = w.preferred_pair_index[customer]
    return choose_products(w.rng, w.popularity, w.product_category, pair_of_row, 0.67)


def web_events(w: World) -> pa.Table:
    """Page views and add-to-cart events in sessions (module doc), one row per event:
    session_id, customer_id (null when anonymous), event_at, event_type, page_type,
    product_id, visitor_id. Draws from w.rng."""
    rng, n = w.rng, len(w.signup_day)
    # --- sessions -------------------------------------------------------------------
    # background browsing while active, fading after the last purchase
    daily = 0.025 * w.engagement
    active_days = np.maximum(w.active_end - w.signup_day, 0.0)
    after = np.maximum(w.history_days - w.active_end, 0.0)
    fade = 45.0 * np.clip(w.engagement, 0.2, 4.0)
    fade_mass = fade * (1 - np.exp(-after / fade))
    n_active = rng.poisson(daily * active_days)
    n_after = rng.poisson(daily * fade_mass)
    c_active = np.repeat(np.arange(n), n_active)
    d_active = w.signup_day[c_active] + rng.random(len(c_active)) * active_days[c_active]
    c_after = np.repeat(np.arange(n), n_after)
    u = rng.random(len(c_after))
    d_after = w.active_end[c_after] - fade[c_after] * np.log(
        1 - u * (1 - np.exp(-after[c_after] / fade[c_after]))
    )
    # warming up before a win-back order
    n_warm = np.where(w.comeback, rng.poisson(3.0, n), 0)
    c_warm = np.repeat(np.arange(n), n_warm)
    d_warm = w.comeback_day[c_warm] - rng.uniform(1, 60, len(c_warm))
    # browsing in the days before each order, and the purchase session itself
    orders = len(w.order_customer)
    n_before = rng.poisson(1.0, orders)
    o_before = np.repeat(np.arange(orders), n_before)
    d_before = w.order_day[o_before] - np.ceil(rng.exponential(4.0, len(o_before)))
    sess_customer = np.concatenate(
        [c_active, c_after, c_warm, w.order_customer[o_before], w.order_customer]
    )
    sess_day = np.floor(
        np.concatenate([d_active, d_after, d_warm, d_before, w.order_day.astype(float)])
    ).astype(np.int64)
    # kind: 0 browsing, 1 before an order, 2 purchase session
    sess_kind = np.concatenate(
        [
            np.zeros(len(c_active) + len(c_after) + len(c_warm), np.int8),
            np.ones(len(o_before), np.int8),
            np.full(orders, 2, np.int8),
        ]
    )
    sess_product = np.concatenate(
        [
            np.full(len(c_active) + len(c_after) + len(c_warm), -1),
            w.order_product[o_before],
            w.order_product,
        ]
    )
    keep = (sess_day >= w.signup_day[sess_customer]) & (sess_day < w.history_days)
    keep &= sess_day >= 0
    sess_customer, sess_day, sess_kind, sess_product = (
        sess_customer[keep],
        sess_day[keep],
        sess_kind[keep],
        sess_product[keep],
    )
    sess_start = rng.integers(7 * 3600, 22 * 3600, len(sess_day))

    # --- events ---------------------------------------------------------------------
    views = np.where(sess_kind == 2, 1, 1 + rng.poisson(1.2, len(sess_day)))
    ev_session = np.repeat(np.arange(len(sess_day)), views)
    ev_pos = group_offsets(views)
    ev_customer = sess_customer[ev_session]
    mix = np.where(w.is_b2b[ev_customer], 1, 0)
    cumulative = np.cumsum(np.array([PAGE_MIX_B2C, PAGE_MIX_B2B]), axis=1)
    page = (rng.random(len(ev_session))[:, None] > cumulative[mix]).sum(axis=1)
    page = np.minimum(page, len(PAGE_TYPES) - 1)
    # sessions around an order open on the ordered product
    ordered_view = (sess_kind[ev_session] > 0) & (ev_pos == 0)
    page = np.where(ordered_view, PAGE_TYPES.index("product"), page)
    product = np.full(len(ev_session), -1)
    is_product = page == PAGE_TYPES.index("product")
    product[is_product] = _browsed_products(w, ev_customer[is_product])
    product = np.where(ordered_view, sess_product[ev_session], product)
    # add to cart after some product views: always in the purchase session, often before
    cart_chance = np.select(
        [sess_kind[ev_session] == 2, sess_kind[ev_session] == 1], [1.0, 0.35], 0.06
    )
    to_cart = is_product & (rng.random(len(ev_session)) < cart_chance)
    cart_rows = np.flatnonzero(to_cart)
    all_rows = np.concatenate([np.arange(len(ev_session)), cart_rows])
    event_type = np.concatenate(
        [np.zeros(len(ev_session), np.int8), np.ones(len(cart_rows), np.int8)]
    )
    offset = np.concatenate([ev_pos * 2, ev_pos[cart_rows] * 2 + 1])
    session = ev_session[all_rows]
    seconds = sess_start[session] + 45 * offset + rng.integers(0, 45, len(all_rows))
    day = sess_day[session] + seconds // 86_400
    seconds = seconds % 86_400
    page = page[all_rows]
    product = product[all_rows]
    customer = sess_customer[session]

    # dirty rows: anonymous events, unknown types, duplicates beside their twin
    rows = len(all_rows)
    anonymous = rng.random(rows) < w.dirty_share * 0.5
    event_type = np.where(rng.random(rows) < w.dirty_share * 0.1, 2, event_type).astype(np.int8)
    final = time_ordered_with_duplicates(rng, (offset, session, seconds, day), w.dirty_share * 0.3)
    return pa.table(
        {
            "session_id": ids("S", session[final] + 1, 9, w.block),
            "customer_id": take(w.customer_ids, customer[final], anonymous[final]),
            "event_at": timestamps(w.start, day[final], seconds[final]),
            "event_type": labels(event_type[final], [*EVENT_TYPES, "scroll"]),
            "page_type": labels(page[final], PAGE_TYPES),
            "product_id": take(w.product_ids, np.maximum(product[final], 0), product[final] < 0),
            # the browser's cookie, anonymous rows included: the customer's number behind
            # "K" (C0000123 -> K0000123), so the cookie never holds the customer id itself
            # (an erased customer's id must leave every relation, cookies included)
            "visitor_id": pc.utf8_replace_slice(take(w.customer_ids, customer[final]), 0, 1, "K"),
        }
    )


def email_events(w: World) -> pa.Table:
    """A newsletter every NEWSLETTER_EVERY_DAYS days to every opted-in customer, from
    sign-up until they unsubscribe; a few addresses bounce at the first send."""
    rng, n = w.rng, len(w.signup_day)
    campaign_day = np.arange(3, w.history_days, NEWSLETTER_EVERY_DAYS)
    first = np.searchsorted(campaign_day, w.signup_day, side="right")
    available = np.where(w.email_opt_in, len(campaign_day) - first, 0)
    bounces = rng.random(n) < 0.015
    unsubscribe_p = np.clip(0.012 / np.clip(w.engagement, 0.2, 5), 0.001, 0.1)
    until_unsubscribe = rng.geometric(unsubscribe_p)  # sends including the unsubscribing one
    sends = np.where(bounces, np.minimum(available, 1), np.minimum(available, until_unsubscribe))
    customer = np.repeat(np.arange(n), sends)
    campaign = first[customer] + group_offsets(sends)
    day = campaign_day[campaign]
    last_send = group_offsets(sends) == sends[customer] - 1
    bounced = bounces[customer]
    unsubscribed = last_send & ~bounced & (until_unsubscribe[customer] <= available[customer])
    # opens and clicks: engagement, and much less once the customer has lapsed
    lapsed = day > w.active_end[customer]
    e = w.engagement[customer]
    p_open = np.clip(0.22 * e, 0.02, 0.85) * np.where(lapsed, 0.35, 1.0)
    opened = ~bounced & (rng.random(len(day)) < p_open)
    clicked = opened & (rng.random(len(day)) < np.clip(0.18 * np.sqrt(e), 0.02, 0.6))
    # long format: one row per event; delays after the send in seconds
    parts = [
        (np.ones(len(day), bool), 0, 0),
        (~bounced, 1, 60),
        (opened, 2, None),
        (clicked, 3, None),
        (unsubscribed, 4, None),
        (bounced, 5, 300),
    ]
    send_seconds = 9 * 3600 + rng.integers(0, 1800, len(day))
    open_delay = np.ceil(rng.exponential(8 * 3600, len(day))).astype(np.int64)
    rows_idx, rows_type, rows_delay = [], [], []
    for mask, code, delay in parts:
        idx = np.flatnonzero(mask)
        rows_idx.append(idx)
        rows_type.append(np.full(len(idx), code, np.int8))
        if delay is None:
            extra = {2: 0, 3: 120, 4: 240}[code]
            rows_delay.append(open_delay[idx] + extra)
        else:
            rows_delay.append(np.full(len(idx), delay))
    idx = np.concatenate(rows_idx)
    event_type = np.concatenate(rows_type)
    seconds = send_seconds[idx] + np.concatenate(rows_delay)
    event_day = day[idx] + seconds // 86_400
    seconds = seconds % 86_400
    keep = event_day < w.history_days
    idx, event_type, event_day, seconds = (
        idx[keep],
        event_type[keep],
        event_day[keep],
        seconds[keep],
    )
    final = time_ordered_with_duplicates(
        rng, (event_type, customer[idx], seconds, event_day), w.dirty_share * 0.2
    )
    return pa.table(
        {
            "campaign_id": ids("NL", campaign[idx][final] + 1, 4),
            "customer_id": take(w.customer_ids, customer[idx][final]),
            "event_type": labels(event_type[final], EMAIL_EVENT_TYPES),
            "event_at": timestamps(w.start, event_day[final], seconds[final]),
        }
    )


def _after_orders(w: World, share: float, delay_days: float):
    """Orders (not cancelled) followed by feedback with probability ``share``, and when."""
    rng = w.rng
    picked = np.flatnonzero(~w.order_cancelled & (rng.random(len(w.order_day)) < share))
    day = (
        w.order_day[picked]
        + 1
        + np.floor(rng.exponential(delay_days, len(picked))).astype(np.int64)
    )
    keep = day < w.history_days
    return picked[keep], day[keep]


def survey_responses(w: World) -> pa.Table:
    """NPS or CSAT a few days after some orders; answers follow satisfaction."""
    rng = w.rng
    order, day = _after_orders(w, 0.10, 3.0)
    h = w.happiness[w.order_customer[order]]
    kind = (rng.random(len(order)) < 0.5).astype(np.int8)  # 0 nps, 1 csat
    nps = np.clip(np.round(rng.normal(2.5 + 8.0 * h, 1.6)), 0, 10)
    csat = np.clip(np.round(rng.normal(1.3 + 4.0 * h, 0.7)), 1, 5)
    score = np.where(kind == 0, nps, csat)
    out_of_range = rng.random(len(order)) < w.dirty_share * 0.5
    score = np.where(out_of_range, np.where(kind == 0, 11, 0), score).astype(np.int64)
    seconds = rng.integers(8 * 3600, 22 * 3600, len(order))
    final = np.lexsort((seconds, day))
    return pa.table(
        {
            "response_id": ids("R", np.arange(1, len(order) + 1), 8, w.block),
            "customer_id": take(w.customer_ids, w.order_customer[order][final]),
            "survey_type": labels(kind[final], SURVEY_TYPES),
            "score": pa.array(score[final]),
            "answered_at": timestamps(w.start, day[final], seconds[final]),
        }
    )


def product_reviews(w: World) -> pa.Table:
    """A 1-5 star review of the ordered product after some orders."""
    rng = w.rng
    order, day = _after_orders(w, 0.07, 10.0)
    h = w.happiness[w.order_customer[order]]
    stars = np.clip(np.round(rng.normal(1.4 + 3.9 * h, 0.8)), 1, 5)
    stars = np.where(rng.random(len(order)) < w.dirty_share * 0.5, 0, stars).astype(np.int64)
    seconds = rng.integers(8 * 3600, 23 * 3600, len(order))
    final = np.lexsort((seconds, day))
    return pa.table(
        {
            "review_id": ids("V", np.arange(1, len(order) + 1), 8, w.block),
            "customer_id": take(w.customer_ids, w.order_customer[order][final]),
            "product_id": take(w.product_ids, w.order_product[order][final]),
            "stars": pa.array(stars[final]),
            "reviewed_at": timestamps(w.start, day[final], seconds[final]),
        }
    )


def customer_interests(w: World) -> pa.Table:
    """Preference-centre topics: about half the customers fill it in; their preferred
    categories show two times in three, plus a few topics of their own."""
    rng, n = w.rng, len(w.signup_day)
    topics = [*CATEGORY_INTERESTS.values(), *OTHER_INTERESTS]
    pair_topic = np.array(
        [
            [topics.index(CATEGORY_INTERESTS[a]), topics.index(CATEGORY_INTERESTS[b])]
            for (a, b), _ in CATEGORY_PAIRS
        ]
    )
    filled = rng.random(n) < 0.55
    customer, topic = [], []
    for side in (0, 1):
        chosen = filled & (rng.random(n) < 0.67)
        customer.append(np.flatnonzero(chosen))
        topic.append(pair_topic[w.preferred_pair_index[chosen], side])
    extra = np.where(filled, rng.poisson(0.8, n), 0)
    customer.append(np.repeat(np.arange(n), extra))
    topic.append(rng.integers(0, len(topics), int(extra.sum())))
    customer, topic = np.concatenate(customer), np.concatenate(topic)
    unique = np.unique(customer.astype(np.int64) * 64 + topic)
    customer, topic = unique // 64, unique % 64
    day = np.minimum(
        w.signup_day[customer] + np.floor(rng.exponential(30, len(customer))).astype(np.int64),
        w.history_days - 1,
    )
    return pa.table(
        {
            "customer_id": take(w.customer_ids, customer),
            "interest": labels(topic.astype(np.int8), topics),
            "updated_at": timestamps(w.start, day, rng.integers(0, 86_400, len(customer))),
        }
    )


def generate_behaviour(w: World) -> dict[str, pa.Table]:
    """Every behaviour file of the block (file stem -> table), drawn in this order from
    w.rng: web events, e-mail events, surveys, reviews, interests."""
    return {
        "web_events": web_events(w),
        "email_events": email_events(w),
        "survey_responses": survey_responses(w),
        "product_reviews": product_reviews(w),
        "customer_interests": customer_interests(w),
    }
