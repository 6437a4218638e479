"""Consent and data-subject rights: who may be contacted on which channel, who objected
to profiling and who asked to be erased.

``consent_events`` holds the marketing consent changes per customer and channel (email,
sms, phone, post): grants at sign-up (the e-mail grant at sign-up is the customers file's
``email_opt_in``, not repeated here), later grants and withdrawals from the preference
centre or the call centre. ``rights_requests`` holds objections to profiling (about 1.5%
of customers) and erasure requests (about 0.3%). Drawn from their own random stream
([seed, 3, block]), so the other files keep their bytes.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from customer_scoring.demo.columns import labels, timestamps
from customer_scoring.demo.world import World

CHANNELS = ["email", "sms", "phone", "post"]
STATUSES = ["granted", "withdrawn"]
SOURCES = ["signup_form", "preference_centre", "call_centre"]
REQUEST_TYPES = ["objection_to_profiling", "erasure"]
# share of customers granting each channel at sign-up (email: the customers file's opt-in)
SIGNUP_GRANT = {"sms": 0.35, "phone": 0.2, "post": 0.55}
LATER_GRANT = 0.08  # share of customers without consent who grant it later, per channel
LATER_WITHDRAW = 0.07  # share of consenting customers who withdraw later, per channel
OBJECTION_SHARE = 0.015
ERASURE_SHARE = 0.003


def privacy_inputs(w: World, seed: int) -> dict[str, pa.Table]:
    """The consent_events and rights_requests tables of one block of customers."""
    rng = np.random.default_rng([seed, 3, w.block])
    n = len(w.signup_day)
    customer, channel, status, source, day = [], [], [], [], []

    def add(mask: np.ndarray, chan: int, stat: int, src: int, when: np.ndarray) -> None:
        index = np.flatnonzero(mask)
        customer.append(index)
        channel.append(np.full(len(index), chan))
        status.append(np.full(len(index), stat))
        source.append(np.full(len(index), src))
        day.append(when[index])

    remaining = w.history_days - w.signup_day  # days from sign-up to the end of history
    for chan, name in enumerate(CHANNELS):
        granted = w.email_opt_in.copy() if name == "email" else rng.random(n) < SIGNUP_GRANT[name]
        if name != "email":
            add(granted, chan, 0, 0, w.signup_day)
        later = w.signup_day + np.floor(rng.random(n) * remaining).astype(np.int64)
        source_later = np.where(rng.random(n) < 0.8, 1, 2)
        for src in (1, 2):
            add(
                ~granted & (rng.random(n) < LATER_GRANT) & (source_later == src),
                chan,
                0,
                src,
                later,
            )
            add(
                granted & (rng.random(n) < LATER_WITHDRAW) & (source_later == src),
                chan,
                1,
                src,
                later,
            )
    customer_all = np.concatenate(customer)
    day_all = np.concatenate(day)
    seconds = rng.integers(8 * 3600, 22 * 3600, len(customer_all))
    order = np.lexsort((customer_all, day_all))

    requested = rng.random(n)
    request = np.where(
        requested < ERASURE_SHARE, 1, np.where(requested < ERASURE_SHARE + OBJECTION_SHARE, 0, -1)
    )
    asked = np.flatnonzero(request >= 0)
    asked_day = w.signup_day[asked] + np.floor(rng.random(len(asked)) * remaining[asked]).astype(
        np.int64
    )
    asked_order = np.lexsort((asked, asked_day))
    return {
        "consent_events": pa.table(
            {
                "customer_id": w.customer_ids.take(pa.array(customer_all[order])),
                "channel": labels(np.concatenate(channel)[order].astype(np.int8), CHANNELS),
                "consent_status": labels(np.concatenate(status)[order].astype(np.int8), STATUSES),
                "consent_source": labels(np.concatenate(source)[order].astype(np.int8), SOURCES),
                "event_at": timestamps(w.start, day_all[order], seconds[order]),
            }
        ),
        "rights_requests": pa.table(
            {
                "customer_id": w.customer_ids.take(pa.array(asked[asked_order])),
                "request_type": labels(request[asked][asked_order].astype(np.int8), REQUEST_TYPES),
                "requested_at": pa.array(
                    (w.start + asked_day[asked_order]).astype("datetime64[D]")
                ),
            }
        ),
    }
