"""The purchase history and latent traits of one block of demo customers.

Drawn by ``orders.draw_orders`` and read by ``behaviour`` and ``accounts``, which draw
what customers do between purchases from it. Arrays indexed by customer have one element
per customer of the block (n); arrays indexed by order one per order (orders). Days are
counted from ``start``, the first day of history (day ``history_days - 1`` is the day
before the as-of date).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa


@dataclass
class World:
    """One block's customers and orders, as the behaviour and account files need them
    (field comments give the shapes; n customers, orders orders, products products)."""

    rng: np.random.Generator  # the behaviour stream: draws continue from it, in order
    start: np.datetime64  # first day of history
    history_days: int
    signup_day: np.ndarray  # (n,) int
    active_end: np.ndarray  # (n,) float: day the customer stops buying
    is_b2b: np.ndarray  # (n,) bool
    email_opt_in: np.ndarray  # (n,) bool
    engagement: np.ndarray  # (n,) mean about 1
    happiness: np.ndarray  # (n,) 0..1
    preferred_pair_index: np.ndarray  # (n,) index into catalogue.CATEGORY_PAIRS
    comeback: np.ndarray  # (n,) bool: a lapsed buyer who comes back
    comeback_day: np.ndarray  # (n,) float
    order_customer: np.ndarray  # (orders,) customer index
    order_day: np.ndarray  # (orders,) int
    order_seconds: np.ndarray  # (orders,) seconds into the day
    order_cancelled: np.ndarray  # (orders,) bool
    order_product: np.ndarray  # (orders,) product index of the first line
    product_category: np.ndarray  # (products,) index into catalogue.CATEGORIES
    popularity: np.ndarray  # (products,) weights summing to 1
    dirty_share: float
    customer_ids: pa.Array  # (n,) string ids
    product_ids: pa.Array  # (products,) string ids
    categories: list
    block: int = 0  # block of customers (generator.BLOCK_CUSTOMERS): ids carry it
