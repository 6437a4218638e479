"""Demo prospects (leads) and their funnel: the files lead scoring reads.

- ``leads.parquet``                B2B and B2C leads with the profile fit is scored on and
                                    their marketing consent;
- ``lead_identifications.parquet`` the form fill that names a web visitor as a lead;
- ``lead_interactions.parquet``    e-mail opens and clicks, white-paper downloads, webinars,
                                    events, social interactions;
- ``lead_conversions.parquet``     the leads that became customers, with their customer id;
- page views of the leads' anonymous visitors, appended to ``web_events.parquet``
  (customer_id null, visitor_id set, session ids ``L...``).

Planted effects, so that the lead back-test has something real to find:

- a lead's chance to become a buyer rises with its fit: B2B, company size 50-249 and 250+,
  sector technology and professional services, managers and executives (FIT_EFFECTS);
- buyers, in the second half of their journey, view pricing, demo and contact pages about
  half the time (other leads: 6%), attend webinars six times as often, download white
  papers and go to events more often; e-mail opens, social interactions and home, blog,
  category and product pages do not depend on whether the lead buys (noise);
- a buyer converts at the end of its journey (20 days plus an exponential 60), to the next
  customer of the block who signs up from that day (its customer id and sign-up day);
- three leads in four are identified by a form fill on their creation day (web sources);
  they browsed anonymously for up to three weeks before, and those views are stitched;
  the others (events, partners, imports) never fill a form: their page views stay
  anonymous;
- 15% of leads gave no marketing consent.

Drawn from their own random stream ([seed, 3, block]): the other files keep their bytes.
A few interaction rows are dirty (exact copies, an unknown type).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from customer_scoring.demo.behaviour import EVENT_TYPES, PAGE_TYPES
from customer_scoring.demo.columns import group_offsets, ids, labels, pick, timestamps
from customer_scoring.demo.orders import COMPANY_SIZES, COUNTRIES, SECTORS
from customer_scoring.demo.world import World

LEAD_SOURCES_WEB = ["organic search", "paid search", "social", "referral"]
LEAD_SOURCES_OFFLINE = ["event", "partner", "list import"]
JOB_ROLES = ["marketing", "sales", "it", "finance", "operations", "other"]
SENIORITIES = ["executive", "manager", "individual contributor"]
INTERACTION_TYPES = [
    "email_open",
    "email_click",
    "whitepaper_download",
    "webinar",
    "event",
    "social",
]
# per interaction type: (events per 30 days of journey, how many times likelier for a buyer)
INTERACTION_RATES = {
    "email_open": (2.0, 1.0),
    "email_click": (0.5, 1.5),
    "whitepaper_download": (0.15, 2.5),
    "webinar": (0.08, 6.0),
    "event": (0.04, 3.0),
    "social": (0.2, 1.0),
}
HIGH_INTENT_PAGES = ["pricing", "demo", "contact"]
OTHER_PAGES = ["home", "category", "product", "blog"]
# log-odds added to the chance of being a buyer, per profile value
FIT_EFFECTS = {
    "B2B": 0.4,
    "50-249": 0.8,
    "250+": 1.0,
    "10-49": 0.3,
    "technology": 0.6,
    "professional services": 0.5,
    "executive": 0.6,
    "manager": 0.4,
}
BASE_LOG_ODDS = -2.0


def _effect(values: np.ndarray) -> np.ndarray:
    return np.array([FIT_EFFECTS.get(v, 0.0) for v in values])


def generate_leads(w: World, seed: int, leads_per_customer: float) -> dict[str, pa.Table]:
    """The lead files of one block (module doc) and the leads' anonymous page views, as
    {"leads", "lead_identifications", "lead_interactions", "lead_conversions",
    "lead_web_events"}; the last has the columns of web_events and is appended to it."""
    rng = np.random.default_rng([seed, 3, w.block])
    n = int(round(leads_per_customer * len(w.signup_day)))
    days = w.history_days
    created = np.minimum(np.floor(days * rng.random(n) ** (1 / 1.6)), days - 1).astype(np.int64)
    created_seconds = rng.integers(8 * 3600, 20 * 3600, n)
    is_b2b = rng.random(n) < 0.55
    country_codes = list(COUNTRIES)
    country_idx = rng.choice(len(country_codes), n, p=[COUNTRIES[c][1] for c in country_codes])
    country = np.asarray(country_codes, dtype=object)[country_idx]
    region = np.empty(n, dtype=object)
    for i, code in enumerate(country_codes):
        mask = country_idx == i
        region[mask] = pick(rng, COUNTRIES[code][2], int(mask.sum()))
    sector = np.where(is_b2b, pick(rng, SECTORS, n), None)
    size_idx = rng.choice(len(COMPANY_SIZES), n, p=[0.4, 0.3, 0.2, 0.1])
    size = np.where(is_b2b, np.asarray(COMPANY_SIZES, dtype=object)[size_idx], None)
    low, high = np.array([1, 10, 50, 250]), np.array([9, 49, 249, 5000])
    headcount = (low[size_idx] + rng.random(n) * (high[size_idx] - low[size_idx])).astype(np.int64)
    role = np.where(is_b2b, pick(rng, JOB_ROLES, n), None)
    seniority = np.where(is_b2b, pick(rng, SENIORITIES, n, p=[0.15, 0.35, 0.5]), None)
    consent = rng.random(n) < 0.85
    identified = rng.random(n) < 0.75
    source = np.where(
        identified, pick(rng, LEAD_SOURCES_WEB, n), pick(rng, LEAD_SOURCES_OFFLINE, n)
    )

    # --- who buys, and when --------------------------------------------------------
    log_odds = BASE_LOG_ODDS + np.where(is_b2b, FIT_EFFECTS["B2B"], 0.0)
    log_odds += _effect(size) * is_b2b + _effect(sector) + _effect(seniority)
    buyer = rng.random(n) < 1 / (1 + np.exp(-log_odds))
    journey = 20 + rng.exponential(60, n)
    journey_end = created + journey  # buyers convert then; the others go quiet
    # a buyer becomes the next customer of the block who signs up from its journey's end
    order = np.argsort(w.signup_day, kind="stable")
    signup_sorted = w.signup_day[order]
    converting = np.flatnonzero(buyer & (journey_end < days - 1))
    converting = converting[np.argsort(journey_end[converting], kind="stable")]
    slot = np.searchsorted(signup_sorted, np.ceil(journey_end[converting]))
    slot = np.maximum.accumulate(slot - np.arange(len(slot))) + np.arange(len(slot))
    matched = slot < len(signup_sorted)
    converting, slot = converting[matched], slot[matched]
    customer = order[slot]
    converted_day = w.signup_day[customer]
    end_day = np.full(n, np.inf)
    end_day[converting] = converted_day

    # --- anonymous page views, from up to 21 days before the form fill -------------
    sessions = rng.poisson(4.0, n)
    s_lead = np.repeat(np.arange(n), sessions)
    before = rng.random(len(s_lead)) < 0.3  # browsed anonymously before the form fill
    after_share = rng.random(len(s_lead)) * np.where(buyer[s_lead], 1.0, 1.5)
    s_day = np.floor(
        np.where(
            before,
            created[s_lead] - rng.uniform(0, 21, len(s_lead)),
            created[s_lead] + after_share * journey[s_lead],
        )
    ).astype(np.int64)
    late = s_day > created[s_lead] + 0.5 * journey[s_lead]
    keep = (s_day >= 0) & (s_day < days) & (s_day <= end_day[s_lead])
    s_lead, s_day, late = s_lead[keep], s_day[keep], late[keep]
    views = 1 + rng.poisson(1.0, len(s_lead))
    v_session = np.repeat(np.arange(len(s_lead)), views)
    v_lead = s_lead[v_session]
    p_high = np.where(buyer[v_lead] & late[v_session], 0.5, 0.06)
    high = rng.random(len(v_session)) < p_high
    high_page = np.array([PAGE_TYPES.index(p) for p in HIGH_INTENT_PAGES])
    other_page = np.array([PAGE_TYPES.index(p) for p in OTHER_PAGES])
    page = np.where(
        high,
        high_page[rng.choice(len(high_page), len(v_session), p=[0.4, 0.3, 0.3])],
        other_page[rng.choice(len(other_page), len(v_session), p=[0.3, 0.2, 0.25, 0.25])],
    ).astype(np.int8)
    seconds = rng.integers(7 * 3600, 22 * 3600, len(s_lead))[v_session] + 60 * group_offsets(views)
    lead_ids = ids("L", np.arange(1, n + 1), 7, w.block)
    visitor_ids = ids("W", np.arange(1, n + 1), 7, w.block)
    lead_web = pa.table(
        {
            "session_id": ids("LS", v_session + 1, 8, w.block),
            "customer_id": pa.nulls(len(v_session), pa.string()),
            "event_at": timestamps(w.start, s_day[v_session], seconds),
            "event_type": labels(np.zeros(len(v_session), np.int8), [*EVENT_TYPES, "scroll"]),
            "page_type": labels(page, PAGE_TYPES),
            "product_id": pa.nulls(len(v_session), pa.string()),
            "visitor_id": visitor_ids.take(pa.array(v_lead)),
        }
    )

    # --- e-mail and content interactions -------------------------------------------
    i_lead, i_type, i_day = [], [], []
    for code, (rate, buyer_factor) in enumerate(INTERACTION_RATES.values()):
        lam = rate * journey / 30 * np.where(buyer, buyer_factor, 1.0)
        count = rng.poisson(lam)
        lead = np.repeat(np.arange(n), count)
        # buyers' webinars, events and downloads come in the second half of the journey
        start_share = np.where(buyer[lead] & (buyer_factor > 1.5), 0.5, 0.0)
        share = start_share + (1 - start_share) * rng.random(len(lead))
        day = np.floor(created[lead] + share * journey[lead]).astype(np.int64)
        i_lead.append(lead), i_type.append(np.full(len(lead), code, np.int8)), i_day.append(day)
    i_lead, i_type, i_day = np.concatenate(i_lead), np.concatenate(i_type), np.concatenate(i_day)
    keep = (i_day < days) & (i_day <= end_day[i_lead])
    i_lead, i_type, i_day = i_lead[keep], i_type[keep], i_day[keep]
    i_type = np.where(rng.random(len(i_type)) < 0.002, len(INTERACTION_TYPES), i_type).astype(
        np.int8
    )
    order_rows = np.lexsort((i_lead, i_day))
    copies = order_rows[rng.random(len(order_rows)) < 0.003]
    rows = np.concatenate([order_rows, copies])
    # a time of day per row (two interactions of a lead on one day are two rows, not a
    # duplicate); only the copies above repeat a row exactly
    i_seconds = (
        np.asarray(i_lead) * 7919 + np.asarray(i_day) * 104729 + np.arange(len(i_lead)) * 613
    ) % (14 * 3600) + 8 * 3600

    def at(day: np.ndarray, secs: np.ndarray) -> pa.Array:
        return timestamps(w.start, day, secs)

    ident = np.flatnonzero(identified)
    return {
        "leads": pa.table(
            {
                "lead_id": lead_ids,
                "created_at": at(created, created_seconds),
                "lead_source": pa.array(source, pa.string()),
                "lead_type": pa.array(np.where(is_b2b, "B2B", "B2C").astype(object), pa.string()),
                "company_sector": pa.array(sector, pa.string()),
                "company_size": pa.array(size, pa.string()),
                "company_headcount": pa.array(headcount, mask=~is_b2b),
                "country": pa.array(country, pa.string()),
                "region": pa.array(region, pa.string()),
                "job_role": pa.array(role, pa.string()),
                "seniority": pa.array(seniority, pa.string()),
                "marketing_consent": pa.array(consent),
            }
        ),
        "lead_identifications": pa.table(
            {
                "visitor_id": visitor_ids.take(pa.array(ident)),
                "lead_id": lead_ids.take(pa.array(ident)),
                "identified_at": at(created[ident], created_seconds[ident]),
                "form_type": pa.array(
                    pick(
                        rng,
                        ["contact", "demo_request", "content_download", "newsletter"],
                        len(ident),
                    ),
                    pa.string(),
                ),
            }
        ),
        "lead_interactions": pa.table(
            {
                "lead_id": lead_ids.take(pa.array(i_lead[rows])),
                "interaction_type": labels(i_type[rows], [*INTERACTION_TYPES, "podcast"]),
                "occurred_at": at(i_day[rows], i_seconds[rows]),
            }
        ),
        "lead_conversions": pa.table(
            {
                "lead_id": lead_ids.take(pa.array(converting)),
                "customer_id": w.customer_ids.take(pa.array(customer)),
                "converted_at": at(converted_day, rng.integers(9 * 3600, 18 * 3600, len(customer))),
            }
        ),
        "lead_web_events": lead_web,
    }
