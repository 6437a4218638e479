"""The settings of a demo draw: scale, history, seed and the shares of each kind of row."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class DemoConfig:
    """What to generate. Same config (seed included), same bytes of data.

    customers: customers drawn (>= 1); years: length of the history (> 0), ending the day
    before ``as_of``; orders_per_customer: mean orders over all customers, before data
    defects; b2b_share, never_bought_share, dirty_share: shares (0..1) of B2B customers,
    of customers who signed up but never ordered, and of transaction rows touched by
    defects of any kind; leads_per_customer: prospects drawn per customer (leads.py).
    """

    customers: int = 50_000
    years: float = 3.0
    as_of: dt.date = field(default_factory=dt.date.today)
    seed: int = 42
    orders_per_customer: float = 10.0
    b2b_share: float = 0.15
    never_bought_share: float = 0.06
    dirty_share: float = 0.006
    leads_per_customer: float = 0.25
