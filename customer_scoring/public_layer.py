"""The public layer's model properties, derived from the restricted marts they expose.

Each public model (``models/public/bi_<mart>.sql``, built in the schema ``bi`` under the
mart's own name) exposes one restricted mart (``models/marts``) to BI tools: the raw
``customer_id`` replaced by the pseudonymous ``customer_key``, personal columns left out,
and in aggregates the cells of fewer than ``min_cell_size`` customers suppressed. Its
columns, types and descriptions are the mart's, declared once in the mart's YAML; this
module writes ``models/public/_public__models.yml`` from them, with what the public layer
adds (access, group, enforced contract, the key, the suppression flag, the privacy test).

    python -m customer_scoring.public_layer     # rewrite models/public/_public__models.yml

tests/python/test_public_layer.py fails when the written file is out of date.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path

import yaml

PROJECT_DIR = Path(__file__).resolve().parents[1]
MARTS_DIR = PROJECT_DIR / "models" / "marts"
PUBLIC_DIR = PROJECT_DIR / "models" / "public"
PROPERTIES = PUBLIC_DIR / "_public__models.yml"
GROUP = "bi"
PREFIX = "bi_"

KEY_COLUMN = {
    "name": "customer_key",
    "data_type": "varchar",
    "description": "{{ doc('customer_key') }}",
    "constraints": [{"type": "not_null"}],
}
SUPPRESSED_COLUMN = {
    "name": "is_suppressed",
    "data_type": "boolean",
    "description": "{{ doc('is_suppressed') }}",
    "constraints": [{"type": "not_null"}],
}
# Tests the public model does not inherit: a relationship to a restricted mart holds for
# customer_id, not for the key; a suppressed measure is null in its small cells.
NOT_INHERITED = ("relationships",)
# Every public model: no value is a raw id or contact detail (macros/generic_tests).
PRIVACY_TEST = {
    "holds_no_raw_identifiers": {"arguments": {"identifiers": "ref('customer_identifiers')"}}
}


@dataclass(frozen=True)
class PublicMart:
    """A restricted mart as BI sees it."""

    mart: str  # the restricted mart (models/marts), also the public relation's name in bi
    purpose: str  # one sentence: what BI reads it for
    customers: str | None = None  # aggregates: what counts a cell's customers (column or SQL)
    suppressed: tuple[str, ...] = ()  # aggregates: measures null in a small cell
    dropped: tuple[str, ...] = ()  # columns BI does not get

    @property
    def name(self) -> str:
        return PREFIX + self.mart


PUBLIC_MARTS: tuple[PublicMart, ...] = (
    PublicMart(
        "customer_scores",
        "Who to select and who to leave out: every score of every customer, by key.",
    ),
    PublicMart(
        "segment_summary",
        "The segment map on the as-of date: sizes, revenue and average scores.",
        customers="customers",
        suppressed=(
            "customers",
            "share_of_customers",
            "revenue",
            "share_of_revenue",
            "avg_r_score",
            "avg_f_score",
            "avg_m_score",
            "avg_rfm_score",
        ),
    ),
    PublicMart(
        "rfm_quintile_boundaries",
        "What each R, F and M score means: the customers and the value range behind it.",
        customers="customers",
        suppressed=("customers", "share_of_customers", "min_value", "max_value"),
    ),
    PublicMart(
        "segment_sizes",
        "Segment sizes over time, one row per as-of date kept in the history.",
        customers="customers",
        suppressed=("customers", "share_of_customers", "revenue"),
    ),
    PublicMart(
        "segment_transitions",
        "Who moved from which segment to which between consecutive as-of dates.",
        customers="customers",
        suppressed=("customers", "revenue_from", "revenue_to"),
    ),
    PublicMart(
        "segment_profiles",
        "Who is inside each segment, attribute by attribute.",
        customers="customers",
        suppressed=(
            "customers",
            "share_of_segment",
            "net_revenue",
            "avg_rfm_score",
            "avg_engagement_score",
            "avg_purchase_probability",
            "avg_satisfaction_score",
        ),
    ),
    PublicMart(
        "score_backtest",
        "How well each behaviour score predicted on this data (lift, AUC).",
        customers="customers",
        suppressed=(
            "customers",
            "customers_with_outcome",
            "top_decile_customers",
            "base_rate",
            "top_decile_rate",
            "lift",
            "auc",
        ),
    ),
    PublicMart(
        "audience_summary",
        "Each audience per as-of date: treated and control sizes, expected conversions and "
        "revenue.",
        customers="treated_customers",
        suppressed=(
            "treated_customers",
            "control_customers",
            "suppressed_customers",
            "expected_conversions",
            "expected_revenue",
            "entered_customers",
            "left_customers",
        ),
    ),
    PublicMart(
        "score_backtest_deciles",
        "Lift of each behaviour score by decile on its back-test: whether the rate rises.",
        customers="customers",
        suppressed=(
            "customers",
            "customers_with_outcome",
            "min_score",
            "max_score",
            "outcome_rate",
            "lift",
        ),
    ),
    PublicMart(
        "probability_calibration",
        "Whether each published probability meant what it said: predicted against observed "
        "per band (where the lifetime models run).",
        customers="customers",
        suppressed=(
            "customers",
            "min_predicted",
            "max_predicted",
            "mean_predicted",
            "observed",
            "calibration_gap",
            "tolerance",  # the relative tolerance is a multiple of the observed rate
            "brier",
        ),
    ),
    PublicMart(
        "campaign_results",
        "Did each campaign work, per segment and value tier: uplift against its control group.",
        # a cell is as small as its smaller group: a control group of three customers
        # would show what those three bought
        customers="least(treated_customers, control_customers)",
        suppressed=(
            "treated_customers",
            "control_customers",
            "mean_rfm_score",
            "treated_conversion_before",
            "treated_conversion_after",
            "control_conversion_before",
            "control_conversion_after",
            "uplift",
            "uplift_standard_error",
            "uplift_lower_95",
            "uplift_upper_95",
            "counterfactual_conversion_after",
            "relative_uplift",
            "relative_uplift_lower_95",
            "relative_uplift_upper_95",
            "incremental_conversions",
            "incremental_orders",
            "incremental_revenue",
        ),
    ),
    PublicMart(
        "lead_funnel",
        "The lead funnel: leads created, scored, handed off to sales and converted.",
        customers="leads",
        suppressed=("leads", "share_of_created"),
    ),
    PublicMart(
        "data_quality_summary",
        "Quarantined rows per source and reason: whether the numbers can be trusted.",
    ),
)


def mart_properties() -> dict[str, dict]:
    """The YAML properties of every model under models/marts, by name."""
    found: dict[str, dict] = {}
    for path in sorted(MARTS_DIR.rglob("_*__models.yml")):
        for model in yaml.safe_load(path.read_text())["models"]:
            found[model["name"]] = model
    return found


def _tests(tests: list, suppressed: bool) -> list:
    """The mart's tests the public model keeps; on a suppressed measure, a range test skips
    the suppressed cells (accepted_range fails on null) and not_null is left out."""
    kept = []
    for test in tests or []:
        kind = test if isinstance(test, str) else next(iter(test))
        if kind in NOT_INHERITED or (suppressed and kind == "not_null"):
            continue
        test = copy.deepcopy(test)
        if suppressed and kind == "accepted_range":
            arguments = test[kind].setdefault("arguments", {})
            condition = arguments.get("row_condition")
            arguments["row_condition"] = (
                f"({condition}) and not is_suppressed" if condition else "not is_suppressed"
            )
        kept.append(test)
    return kept


def _column(column: dict, public: PublicMart) -> dict:
    if column["name"] == "customer_id":
        key = dict(KEY_COLUMN)
        key["data_tests"] = _tests(column.get("data_tests"), False)
        return key
    suppressed = column["name"] in public.suppressed
    derived = {"name": column["name"], "data_type": column["data_type"]}
    if column.get("description"):
        derived["description"] = column["description"]
    constraints = [
        c for c in column.get("constraints") or [] if not (suppressed and c["type"] == "not_null")
    ]
    if constraints:
        derived["constraints"] = constraints
    tests = _tests(column.get("data_tests"), suppressed)
    if tests:
        derived["data_tests"] = tests
    return derived


def _swap_key(test):
    """A model-level test of the mart, with customer_id read as customer_key."""
    text = yaml.safe_dump(test, sort_keys=False)
    return yaml.safe_load(text.replace("customer_id", "customer_key"))


def public_model(public: PublicMart, mart: dict) -> dict:
    """The properties of one public model, from its mart's."""
    missing = [c["name"] for c in mart.get("columns", []) if not c.get("data_type")]
    if missing:
        raise ValueError(f"{public.mart}: declare data_type of {missing} in its models YAML")
    columns = [_column(c, public) for c in mart["columns"] if c["name"] not in public.dropped]
    if public.customers:
        columns.append(dict(SUPPRESSED_COLUMN))
    tests = [_swap_key(t) for t in _tests(mart.get("data_tests"), False)]
    tests.append(dict(PRIVACY_TEST))
    config = {
        "alias": public.mart,
        "access": "public",
        "group": GROUP,
        "contract": {"enforced": True},
    }
    if public.customers:
        config["meta"] = {"min_cell_size_column": public.customers}
    description = (
        f"{public.purpose} Public view of the restricted mart {public.mart}"
        + (" with customer_id replaced by customer_key" if "customer_id" in _names(mart) else "")
        + (
            f"; a cell of fewer than min_cell_size {public.customers} has is_suppressed true "
            f"and null {', '.join(public.suppressed)}"
            if public.customers
            else ""
        )
        + ". "
        + " ".join(mart.get("description", "").split())
    )
    return {
        "name": public.name,
        "description": description.strip(),
        "config": config,
        "data_tests": tests,
        "columns": columns,
    }


def _names(mart: dict) -> list[str]:
    return [c["name"] for c in mart.get("columns", [])]


class _Dumper(yaml.SafeDumper):
    """Writes repeated values out in full (no &anchors), so each model reads on its own."""

    def ignore_aliases(self, data) -> bool:
        return True


def properties() -> str:
    """The text of models/public/_public__models.yml."""
    marts = mart_properties()
    models = [public_model(public, marts[public.mart]) for public in PUBLIC_MARTS]
    header = (
        "# Generated by `python -m customer_scoring.public_layer` from the restricted marts'\n"
        "# YAML (models/marts): edit those, or PUBLIC_MARTS in customer_scoring/public_layer.py,\n"
        "# and regenerate. tests/python/test_public_layer.py fails when this file is stale.\n"
    )
    body = yaml.dump(
        {"version": 2, "models": models},
        Dumper=_Dumper,
        sort_keys=False,
        width=100,
        allow_unicode=True,
    )
    return header + body


if __name__ == "__main__":
    PROPERTIES.write_text(properties())
    print(f"wrote {PROPERTIES.relative_to(PROJECT_DIR)}")
