"""Subscriptions and receivables of the demo customers: what churn and payment risk read.

Written beside the other demo files by ``generator.generate``:

- ``subscription_events.parquet`` one row per start, renewal and cancellation of a
                                  subscription (plans: monthly magazine, annual magazine,
                                  internet box + mobile, monthly).
- ``invoices.parquet``            one invoice per order of a company (B2B), due 30 days later.
- ``payments.parquet``            payments against invoices: on time, late, in parts, or never.
- ``legal_events.parquet``        insolvency proceedings of companies: safeguard,
                                  receivership, liquidation.

How they are drawn, so the scores have signal to find:

- subscribers cancel month by month (at each anniversary for annual plans) with a
  probability that depends on the plan, falls with tenure and rises for unhappy customers;
- each company has a payment discipline: disciplined ones pay on time, others late, in
  parts, or not at all; a few undisciplined companies enter proceedings, after which most
  invoices stay unpaid;
- companies that pay in parts usually settle in the end (what the recovery score finds).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from customer_scoring.demo.columns import group_offsets, ids, labels, timestamps
from customer_scoring.demo.world import World

PLANS = ["magazine_monthly", "magazine_annual", "box_mobile_monthly"]
PLAN_MONTHS = np.array([1, 12, 1])  # billing period of each plan, in months
PLAN_BASE_CANCEL = np.array([0.07, 0.22, 0.04])  # per period, before tenure and mood
SUBSCRIPTION_EVENTS = ["start", "renewal", "cancellation"]
LEGAL_EVENTS = ["safeguard", "receivership", "liquidation"]
DAYS_PER_MONTH = 365.25 / 12
PAYMENT_TERMS_DAYS = 30


def subscription_events(w: World) -> pa.Table:
    """Starts, renewals and cancellations of subscriptions (module doc), one row per event:
    subscription_id, customer_id, plan, event_type, event_at. Draws from w.rng."""
    rng, n = w.rng, len(w.signup_day)
    subscribes = rng.random(n) < np.clip(0.12 + 0.08 * w.engagement, 0, 0.6)
    customer = np.flatnonzero(subscribes)
    plan = rng.choice(3, size=len(customer), p=[0.6, 0.25, 0.15])
    plan = np.where(w.is_b2b[customer] & (rng.random(len(customer)) < 0.5), 1, plan)
    start = w.signup_day[customer] + np.floor(rng.exponential(60, len(customer))).astype(np.int64)
    keep = start < w.history_days - 1
    customer, plan, start = customer[keep], plan[keep], start[keep]
    # periods until cancellation: hazard falls with tenure (early churn), rises when unhappy
    mood = 1.6 - 1.2 * w.happiness[customer]  # 0.4 (happy) .. 1.6 (unhappy)
    base = PLAN_BASE_CANCEL[plan] * mood
    periods = np.zeros(len(customer), np.int64)
    alive = np.ones(len(customer), bool)
    for k in range(1, 121):  # at most 120 billing periods
        hazard = np.clip(base * (1.0 + 1.0 / k), 0, 0.95)
        cancels = alive & (rng.random(len(customer)) < hazard)
        periods = np.where(alive & ~cancels, k, periods)
        alive &= ~cancels
        if not alive.any():
            break
    period_days = PLAN_MONTHS[plan] * DAYS_PER_MONTH
    cancel_day = np.floor(start + (periods + 1) * period_days - rng.uniform(1, 10, len(customer)))
    cancelled = ~alive & (cancel_day < w.history_days)
    # renewals: one per billing period begun before the cancellation and the history end
    last_day = np.where(cancelled, cancel_day, w.history_days - 1)
    renewals = np.maximum(np.floor((last_day - start) / period_days).astype(np.int64), 0)
    renewals = np.where(cancelled, np.minimum(renewals, periods), renewals)
    sub = np.repeat(np.arange(len(customer)), renewals)
    renewal_day = np.floor(start[sub] + (1 + group_offsets(renewals)) * period_days[sub]).astype(
        np.int64
    )
    index = np.concatenate([np.arange(len(customer)), sub, np.flatnonzero(cancelled)])
    kind = np.concatenate(
        [
            np.zeros(len(customer), np.int8),
            np.ones(len(sub), np.int8),
            np.full(int(cancelled.sum()), 2, np.int8),
        ]
    )
    day = np.concatenate([start, renewal_day, cancel_day[cancelled].astype(np.int64)])
    ok = day < w.history_days
    index, kind, day = index[ok], kind[ok], day[ok]
    order = np.lexsort((kind, index, day))
    index, kind, day = index[order], kind[order], day[order]
    return pa.table(
        {
            "subscription_id": ids("SUB", index + 1, 7, w.block),
            "customer_id": w.customer_ids.take(pa.array(customer[index])),
            "plan": labels(plan[index].astype(np.int8), PLANS),
            "event_type": labels(kind, SUBSCRIPTION_EVENTS),
            "event_at": timestamps(w.start, day, rng.integers(6 * 3600, 22 * 3600, len(day))),
        }
    )


def receivables(w: World, order_amount: np.ndarray) -> dict[str, pa.Table]:
    """Invoices of company orders, their payments, and insolvency proceedings."""
    rng, n = w.rng, len(w.signup_day)
    discipline = rng.beta(4, 1.5, n)  # 1 = always on time
    # proceedings: a few undisciplined companies, at some point of their history
    troubled = w.is_b2b & (discipline < 0.6) & (rng.random(n) < 0.3)
    legal_customer = np.flatnonzero(troubled)
    first_day = w.signup_day[legal_customer] + rng.uniform(0.1, 0.8, len(legal_customer)) * (
        w.history_days - w.signup_day[legal_customer]
    )
    stages = 1 + (rng.random(len(legal_customer)) < 0.5) + (rng.random(len(legal_customer)) < 0.35)
    legal_index = np.repeat(np.arange(len(legal_customer)), stages)
    stage = group_offsets(stages)
    legal_day = np.floor(first_day[legal_index] + stage * rng.uniform(60, 200, len(legal_index)))
    ok = legal_day < w.history_days
    legal_index, stage, legal_day = legal_index[ok], stage[ok], legal_day[ok].astype(np.int64)
    proceedings_start = np.full(n, np.inf)
    proceedings_start[legal_customer] = first_day

    # invoices: one per (non-cancelled) company order
    invoiced = np.flatnonzero(w.is_b2b[w.order_customer] & ~w.order_cancelled)
    customer = w.order_customer[invoiced]
    issue_day = w.order_day[invoiced].astype(np.int64)
    amount = np.round(order_amount[invoiced], 2)
    due_day = issue_day + PAYMENT_TERMS_DAYS
    d = discipline[customer]
    in_proceedings = due_day >= proceedings_start[customer]
    unpaid = rng.random(len(invoiced)) < np.where(in_proceedings, 0.7, 0.25 * (1 - d) ** 2)
    partial = ~unpaid & (rng.random(len(invoiced)) < 0.35 * (1 - d))
    late_days = np.where(
        rng.random(len(invoiced)) < d,
        -rng.integers(0, 10, len(invoiced)),
        np.ceil(rng.exponential(10 + 60 * (1 - d), len(invoiced))),
    ).astype(np.int64)
    # unpaid invoices may still get a partial payment before going silent
    part_before_silence = unpaid & (rng.random(len(invoiced)) < 0.3)
    first_share = np.where(partial | part_before_silence, rng.uniform(0.2, 0.7, len(invoiced)), 1.0)
    first_day_paid = due_day + late_days
    second_day_paid = first_day_paid + rng.integers(10, 90, len(invoiced))
    pay_index = np.concatenate(
        [np.flatnonzero(~unpaid | part_before_silence), np.flatnonzero(partial)]
    )
    pay_day = np.concatenate(
        [first_day_paid[~unpaid | part_before_silence], second_day_paid[partial]]
    )
    pay_amount = np.concatenate(
        [
            np.round(amount * first_share, 2)[~unpaid | part_before_silence],
            (amount - np.round(amount * first_share, 2))[partial],
        ]
    )
    ok = (pay_day < w.history_days) & (pay_amount > 0)
    pay_index, pay_day, pay_amount = pay_index[ok], pay_day[ok], pay_amount[ok]
    order = np.lexsort((pay_index, pay_day))
    pay_index, pay_day, pay_amount = pay_index[order], pay_day[order], pay_amount[order]
    invoice_ids = ids("INV", np.arange(1, len(invoiced) + 1), 8, w.block)
    legal_order = np.lexsort((stage, legal_day))
    return {
        "invoices": pa.table(
            {
                "invoice_id": invoice_ids,
                "customer_id": w.customer_ids.take(pa.array(customer)),
                "issued_at": timestamps(w.start, issue_day, np.full(len(issue_day), 9 * 3600)),
                "due_date": pa.array((w.start + due_day).astype("datetime64[D]")),
                "amount": pa.array(amount),
            }
        ),
        "payments": pa.table(
            {
                "payment_id": ids("PAY", np.arange(1, len(pay_index) + 1), 8, w.block),
                "invoice_id": invoice_ids.take(pa.array(pay_index)),
                "paid_at": timestamps(w.start, pay_day, np.full(len(pay_day), 11 * 3600)),
                "amount": pa.array(pay_amount),
            }
        ),
        "legal_events": pa.table(
            {
                "customer_id": w.customer_ids.take(
                    pa.array(legal_customer[legal_index][legal_order])
                ),
                "event_type": labels(stage[legal_order].astype(np.int8), LEGAL_EVENTS),
                "event_date": pa.array((w.start + legal_day[legal_order]).astype("datetime64[D]")),
            }
        ),
    }
