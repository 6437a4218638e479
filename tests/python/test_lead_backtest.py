"""The lead back-test recovers the demo's planted funnel (customer_scoring/demo/leads.py):
the pages and interactions the generator makes predictive (pricing, demo and contact pages,
webinars) rank above those it does not (e-mail opens, social, home, category, product and
blog pages), and the lead score ranks converters first, with and without the lookalike
bonus."""

from __future__ import annotations

import datetime as dt

import pytest

from customer_scoring.demo import DemoConfig, generate

# slow: generates a demo and builds the lead models on it (./run test only)
pytestmark = pytest.mark.slow

AS_OF = dt.date(2026, 6, 30)
# more leads than the default share, so the 90-day back-test window holds enough converters
CONFIG = DemoConfig(customers=1500, years=2, as_of=AS_OF, seed=7, leads_per_customer=2.0)
PREDICTIVE = {"page_view:pricing", "page_view:demo", "page_view:contact", "interaction:webinar"}
NOISE = {
    "interaction:email_open",
    "interaction:social",
    "page_view:home",
    "page_view:category",
    "page_view:product",
    "page_view:blog",
}


@pytest.fixture(scope="module")
def built(module_warehouse, tmp_path_factory):
    demo = tmp_path_factory.mktemp("demo")
    generate(CONFIG, demo, progress=lambda _: None)
    run = module_warehouse.dbt(
        "build",
        "--indirect-selection",
        "cautious",
        "--select",
        "+models/marts/leads",
        vars={
            "as_of_date": str(AS_OF),
            "demo_data_dir": str(demo),
            # the leads' anonymous page views: 8 of 10 leads per customer on this demo
            "max_quarantined_share": 0.5,
            "lead_lookalike_enabled": True,
        },
    )
    assert run.success, run.messages
    return module_warehouse


def test_planted_pages_and_interactions_rank_highest(built):
    lift = dict(
        built.query(
            "select criterion, lift from lead_criterion_lift where dimension = 'engagement'"
        )
    )
    assert set(lift) >= PREDICTIVE | NOISE, lift
    assert min(lift[name] for name in PREDICTIVE) > max(lift[name] for name in NOISE), lift


def test_the_score_ranks_converters_first_with_and_without_the_bonus(built):
    rows = built.query(
        "select variant, converters, auc, top_decile_lift, handoff_precision, base_rate "
        "from lead_backtest order by variant"
    )
    assert [row[0] for row in rows] == ["with_lookalike", "without_lookalike"]
    for variant, converters, auc, top_decile_lift, precision, base_rate in rows:
        assert converters >= 30, variant
        assert auc > 0.75, variant
        assert top_decile_lift > 3, variant
        assert precision > 3 * base_rate, variant


def test_conversion_rises_from_the_lowest_to_the_highest_bands(built):
    for variant in ("with_lookalike", "without_lookalike"):
        rates = built.query(
            "select score_band, conversion_rate from lead_backtest_bands "
            f"where variant = '{variant}' and leads >= 20 order by score_band"
        )
        assert len(rates) >= 3, rates
        assert [rate for _, rate in rates] == sorted(rate for _, rate in rates), rates


def test_the_bonus_is_applied_and_capped(built):
    (bonused, highest) = built.query(
        "select count(*) filter (where lookalike_bonus > 0), max(lookalike_bonus) from lead_scores"
    )[0]
    assert bonused > 0
    assert highest <= 10
