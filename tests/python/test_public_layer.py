"""The public layer's properties are derived from the restricted marts, never restated.

models/public/_public__models.yml is written by customer_scoring.public_layer from the
marts' YAML: this checks the committed file is current, and what the derivation does (the
key swapped in, the tests a public model keeps, a mart without types refused).
"""

from __future__ import annotations

import pytest

from customer_scoring import public_layer
from customer_scoring.public_layer import PublicMart


def test_the_public_models_yaml_is_generated_from_the_marts():
    written = public_layer.PROPERTIES.read_text()
    assert written == public_layer.properties(), (
        "models/public/_public__models.yml is out of date: python -m customer_scoring.public_layer"
    )


def test_every_public_mart_has_its_model_and_a_mart_behind_it():
    marts = public_layer.mart_properties()
    for public in public_layer.PUBLIC_MARTS:
        assert public.mart in marts, public.mart
        sql = (public_layer.PUBLIC_DIR / f"{public.name}.sql").read_text()
        assert f"alias='{public.mart}'" in sql
        assert f"ref('{public.mart}')" in sql


MART = {
    "name": "segment_things",
    "description": "Things per segment.",
    "data_tests": [
        {"unique_combination_of_columns": {"arguments": {"combination_of_columns": ["segment"]}}}
    ],
    "columns": [
        {
            "name": "customer_id",
            "data_type": "varchar",
            "data_tests": [
                "unique",
                {"relationships": {"arguments": {"to": "ref('dim_customers')"}}},
            ],
        },
        {"name": "segment", "data_type": "varchar", "description": "The segment."},
        {"name": "birth_year", "data_type": "integer", "description": "Personal."},
        {
            "name": "customers",
            "data_type": "bigint",
            "description": "How many.",
            "constraints": [{"type": "not_null"}],
            "data_tests": [
                "not_null",
                {"accepted_range": {"arguments": {"min_value": 0}}},
            ],
        },
    ],
}


def test_the_derivation_swaps_the_key_drops_and_suppresses():
    public = PublicMart(
        "segment_things",
        "For BI.",
        customers="customers",
        suppressed=("customers",),
        dropped=("birth_year",),
    )
    model = public_layer.public_model(public, MART)
    assert model["name"] == "bi_segment_things"
    assert model["config"]["alias"] == "segment_things"
    assert model["config"]["access"] == "public" and model["config"]["contract"]["enforced"]
    columns = {c["name"]: c for c in model["columns"]}
    assert list(columns) == ["customer_key", "segment", "customers", "is_suppressed"]
    # the key keeps unique, not the relationship to a restricted mart
    assert columns["customer_key"]["data_tests"] == ["unique"]
    # a suppressed measure: null allowed, its range checked on the cells shown only
    assert "constraints" not in columns["customers"]
    assert columns["customers"]["data_tests"] == [
        {"accepted_range": {"arguments": {"min_value": 0, "row_condition": "not is_suppressed"}}}
    ]
    assert public_layer.PRIVACY_TEST in model["data_tests"]
    assert "suppressed" in model["description"] and "Things per segment." in model["description"]
    # the mart itself is left as it was
    assert MART["columns"][3]["data_tests"][1] == {
        "accepted_range": {"arguments": {"min_value": 0}}
    }


def test_a_mart_without_column_types_is_refused():
    untyped = {"name": "things", "columns": [{"name": "segment"}]}
    with pytest.raises(ValueError, match=r"declare data_type of \['segment'\]"):
        public_layer.public_model(PublicMart("things", "For BI."), untyped)
