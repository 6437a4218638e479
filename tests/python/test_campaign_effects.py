"""Campaign results recover the effects the demo generator planted (issue 18), on a
2,000-customer demo: each offer raises the post-period conversion of treated customers by
known points per value tier at launch (customer_scoring/demo/campaigns.py, PLANTED_OFFERS),
one offer is a placebo, half of each offer's customers are held out.

A 95% interval misses its truth one time in twenty, so a check of a dozen of them at 95%
each would fail on a good share of seeds through no fault of the model. Each cell is held
to its 99.9% interval (3.29 standard errors, from the published standard error); the 95%
intervals must cover the planted effect in at least 10 of the 12 tier cells (about 0.3% of
seeds fail that by chance); per campaign, the same for the planted mix (the 99.9% interval
each, the 95% one in 3 of the 4), the placebo's being 0. The segment at launch is checked
against the warehouse's own customer_segments rebuilt as of the launch date (no
look-ahead)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from customer_scoring.demo import DemoConfig, generate
from customer_scoring.demo.campaigns import PLANTED_OFFERS, TIERS, conversion_shares

# slow: generates a demo and builds it (./run test only)
pytestmark = pytest.mark.slow

AS_OF = dt.date(2026, 6, 30)
Z_95, Z_999 = 1.959964, 3.290527


@pytest.fixture(scope="module")
def built(module_warehouse, tmp_path_factory):
    demo = tmp_path_factory.mktemp("demo")
    generate(
        DemoConfig(customers=2000, years=2, as_of=AS_OF, seed=7), demo, progress=lambda _: None
    )
    module_warehouse.vars = {
        "as_of_date": AS_OF.isoformat(),
        "demo_data_dir": str(demo),
        # calibration is not this file's subject (test_predictive_scores.py and CI check it)
        "calibration_severity": "warn",
    }
    run = module_warehouse.dbt("build", vars=module_warehouse.vars)
    assert run.success, run.logged
    return module_warehouse


def _cells(built) -> dict[tuple[str, str], tuple]:
    """{(campaign, value tier): (uplift, standard error, treated)} over every segment, for
    the planted tiers and the whole campaign (a few customers without an order before the
    start by the warehouse's reckoning form a cell of their own, too small to measure)."""
    tiers = ", ".join(f"'{tier}'" for tier in [*TIERS, "All"])
    rows = built.query(
        "select campaign_id, value_tier, uplift, uplift_standard_error, treated_customers "
        f"from campaign_results where segment = 'All' and value_tier in ({tiers})"
    )
    return {(c, tier): (float(u), float(se), t) for c, tier, u, se, t in rows}


def test_every_offer_and_tier_is_measured_on_enough_customers(built):
    cells = _cells(built)
    for offer in PLANTED_OFFERS:
        for tier in TIERS:
            assert cells[(offer.campaign_id, tier)][2] >= 80, (offer.campaign_id, tier)
    flags = built.query(
        "select count(*) from campaign_results where segment = 'All' and value_tier in ('VIP', "
        "'Regular', 'Occasional') and is_too_small_to_conclude"
    )
    assert flags == [(0,)]


def test_planted_uplift_per_tier_is_recovered_within_its_interval(built):
    cells = _cells(built)
    covered_95 = []
    for offer in PLANTED_OFFERS:
        for tier in TIERS:
            uplift, se, _ = cells[(offer.campaign_id, tier)]
            planted = offer.effect_points[tier] / 100
            assert abs(uplift - planted) <= Z_999 * se, (offer.campaign_id, tier, uplift, se)
            covered_95.append(abs(uplift - planted) <= Z_95 * se)
    assert sum(covered_95) >= 10, covered_95


def test_each_campaign_recovers_its_planted_mix_and_the_placebo_shows_none(built):
    """Per campaign, as per cell: its 99.9% interval holds the planted mix, and the 95%
    intervals in at least 3 of the 4 (of four checks at 95%, one or more fail on 18.5% of
    seeds, two or more on 1.4%; seed 7 once missed the placebo's by 2.09 standard errors).
    The placebo is one of the four, with 0 planted."""
    cells = _cells(built)
    covered_95 = []
    for offer in PLANTED_OFFERS:
        uplift, se, treated = cells[(offer.campaign_id, "All")]
        planted = (
            sum(offer.effect_points[t] / 100 * cells[(offer.campaign_id, t)][2] for t in TIERS)
            / treated
        )
        assert abs(uplift - planted) <= Z_999 * se, (offer.campaign_id, uplift, planted, se)
        covered_95.append(abs(uplift - planted) <= Z_95 * se)
    assert sum(covered_95) >= 3, covered_95
    # the largest planted effect (CP004, about 14 points overall) stands clear of zero
    (strongest,) = built.query(
        "select uplift_lower_95, is_significant from campaign_results "
        "where campaign_id = 'CP004' and segment = 'All' and value_tier = 'All'"
    )
    assert strongest[0] > 0 and strongest[1]


def test_qini_says_whether_targeting_by_the_score_beat_random(built):
    """CP004 works best on Occasional customers (20 points against 8 for VIP): ranking by
    the RFM score puts the least responsive first, worse than random. CP002 works only on
    VIP and Regular customers: the score ranks better than for CP004."""
    qini = dict(
        built.query(
            "select campaign_id, max(qini_coefficient) from campaign_uplift_deciles group by 1"
        )
    )
    assert qini["CP004"] < 0
    assert qini["CP002"] > qini["CP004"]
    # down to the lowest decile the curve has targeted everyone: the campaign's uplift
    bottom = built.query(
        "select deciles.campaign_id, deciles.cumulative_uplift, results.uplift "
        "from campaign_uplift_deciles as deciles inner join campaign_results as results "
        "on deciles.campaign_id = results.campaign_id and results.segment = 'All' "
        "and results.value_tier = 'All' where deciles.share_targeted = 1"
    )
    assert len(bottom) == len(PLANTED_OFFERS)
    assert all(abs(cumulative - uplift) < 1e-6 for _, cumulative, uplift in bottom)


def test_before_after_table_reads_the_results(built):
    rows = built.query(
        "select marketers.campaign_id, marketers.segment, marketers.conversion_after_pct, "
        "marketers.uplift_points, "
        "round(100 * results.treated_conversion_after, 1), round(100 * results.uplift, 1) "
        "from campaign_before_after as marketers inner join campaign_results as results "
        "on marketers.campaign_id = results.campaign_id and results.segment = 'All' "
        "and marketers.segment = results.value_tier where marketers.breakdown = 'value tier'"
    )
    assert len(rows) >= 4 * 4
    assert all(row[2] == row[4] and row[3] == row[5] for row in rows)


def test_segment_at_launch_is_the_one_the_warehouse_gave_that_day(built):
    """No look-ahead: customer_segments rebuilt as of CP004's launch date (the day before
    its start) gives every customer the segment, tier and score the results used."""
    ((launch,),) = built.query(
        "select distinct launch_as_of_date from int_campaign_launch_rfm where campaign_id = 'CP004'"
    )
    run = built.dbt(
        "run", "--select", "int_customers_rfm_scored", "customer_rfm", "customer_segments",
        vars={**built.vars, "as_of_date": launch.isoformat()},
    )  # fmt: skip
    assert run.success, run.logged
    mismatched = built.query(
        "select count(*), count(segments.customer_id) from campaign_customers as campaign "
        "left join customer_segments as segments on campaign.customer_id = segments.customer_id "
        "where campaign.campaign_id = 'CP004' and campaign.rfm_score is not null and ("
        "segments.customer_id is null or segments.segment != campaign.segment "
        "or segments.value_tier != campaign.value_tier or segments.rfm_score != campaign.rfm_score)"
    )
    assert mismatched == [(0, 0)]
    (compared,) = built.query(
        "select count(*) from campaign_customers "
        "where campaign_id = 'CP004' and rfm_score is not null"
    )
    assert compared[0] > 1000


@pytest.mark.parametrize(
    "living, lapsed, needed, share_living, share_lapsed",
    [
        (10, 10, 4.0, 0.4, 0.0),  # the living carry the rise; the lapsed buy nothing
        (2, 8, 4.0, 1.0, 0.25),  # too few living: they all buy, the lapsed carry the rest
        (0, 5, 2.0, 0.0, 0.4),  # nobody alive
        (3, 2, 9.0, 1.0, 1.0),  # more than everyone: everyone buys
        (4, 0, 0.0, 0.0, 0.0),  # no rise
        (4, 0, 6.0, 1.0, 0.0),  # nobody lapsed, more than the living
    ],
)
def test_an_offer_reaches_the_living_first(living, lapsed, needed, share_living, share_lapsed):
    """The planted extra orders go to customers alive at the offer's start: a dead customer
    who bought again would be a comeback the purchase models cannot foresee (as of
    2026-03-15 they over-predicted the treated half of CP004 by 1.80 tolerances, the
    control half by 0.89). The chances add up to the planted rise."""
    alive = np.array([True] * living + [False] * lapsed)
    shares = conversion_shares(alive, needed)
    assert shares[alive] == pytest.approx(np.full(living, share_living))
    assert shares[~alive] == pytest.approx(np.full(lapsed, share_lapsed))
    assert shares.sum() == pytest.approx(min(needed, living + lapsed))
