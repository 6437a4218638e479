"""The Great Expectations suites count exactly the corpus's defects and keep a report."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from conftest import FIXTURES, PROJECT_DIR

from customer_scoring import cli
from customer_scoring.validate import Inputs, validate

CORPUS = FIXTURES / "corpus"
INPUTS = Inputs(
    transactions=CORPUS / "transactions.csv",
    customers=CORPUS / "customers.csv",
    exchange_rates=CORPUS / "exchange_rates.csv",
)
LOADED = dt.datetime(2024, 4, 1, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("validation")
    return out, validate(
        INPUTS, dt.date(2024, 3, 31), out, load_time=LOADED, progress=lambda _: None
    )


def test_each_expectation_counts_the_corpus_defects(report):
    # one expectation per reason code of each input's contract; each counts the rows dbt
    # gives that reason (test_input_guards.py checks the same numbers in quarantined_rows)
    _, result = report
    failing = {(c.input, c.handled_as): c.unexpected for c in result.checks if c.unexpected}
    assert failing == {
        ("transactions", "missing_customer_id"): 1,
        ("transactions", "missing_order_id"): 1,
        # not a date, 03/04/2024, an unknown zone name, three two-digit years, the year 24
        ("transactions", "invalid_ordered_at"): 7,
        ("transactions", "placeholder_date"): 2,  # 1970-01-01 and 1900-01-01
        ("transactions", "scientific_notation_id"): 2,  # a customer id and an order id
        ("transactions", "date_in_future"): 1,
        # 'abc' and '12,50' do not parse; -5 and 0 are not positive; 99999999 is too big
        ("transactions", "invalid_amount"): 2,
        ("transactions", "non_positive_amount"): 2,
        ("transactions", "implausible_amount"): 1,
        ("transactions", "unknown_status"): 1,
        ("transactions", "duplicate_row"): 1,  # the second copy; the first is kept
        # two customers, sale lines on two days, a refund dated before its sale (2 lines
        # each); a refund on its own later day belongs to its order and is kept
        ("transactions", "conflicting_order_lines"): 6,
        ("transactions", "refund_exceeds_order"): 2,  # 150.00 refunded on a 100.00 sale
        ("transactions", "unknown_currency"): 1,
        ("transactions", "no_exchange_rate"): 1,
        ("transactions", "unknown_customer"): 1,
        ("transactions", "test_account"): 1,
        ("customers", "test_account"): 1,
    }
    assert result.rows_checked == {"transactions": 63, "customers": 5, "exchange_rates": 4}


def test_test_account_domains_follow_the_dbt_var(tmp_path):
    # the var test_account_email_domains, as dbt reads it: the corpus's test account t1 is
    # qa@example.com (a default domain); with the var overridden, t1 is a customer like any
    # other and mail.example.org's four customers are the test accounts
    overridden = Inputs(
        transactions=CORPUS / "transactions.csv",
        customers=CORPUS / "customers.csv",
        exchange_rates=CORPUS / "exchange_rates.csv",
        settings={"test_account_email_domains": ["Mail.Example.org"]},
    )
    result = validate(
        overridden, dt.date(2024, 3, 31), tmp_path, load_time=LOADED, progress=lambda _: None
    )
    counts = {(c.input, c.handled_as): c.unexpected for c in result.checks}
    assert counts["customers", "test_account"] == 4
    assert counts["transactions", "test_account"] > 1


def test_inputs_from_vars_resolve_paths_and_settings_as_dbt_does(tmp_path):
    inputs = Inputs.from_vars(
        {"transactions_path": "orders.tsv", "test_account_email_domains": ["qa.example"]},
        tmp_path,
    )
    assert inputs.transactions.name == "orders.tsv"
    assert inputs.customers is None and inputs.web_events is None  # not given: no file
    assert inputs.settings["test_account_email_domains"] == ["qa.example"]
    assert inputs.settings["max_line_amount"] == 1000000  # dbt_project.yml default
    demo = Inputs.from_vars({}, tmp_path)
    assert demo.web_events == tmp_path / "web_events.parquet"


def test_results_are_kept_for_machines_and_people(report):
    out, result = report
    (saved,) = out.glob("validation-20240401T000000.json")
    data = json.loads(saved.read_text())
    assert data["rows_checked"]["transactions"] == 63
    assert len(data["checks"]) == len(result.checks)
    assert data["great_expectations"]["transactions"]["success"] is False
    summary = (out / "validation-20240401T000000.md").read_text()
    assert (
        "| transactions | expect_column_values_to_not_be_in_set **failed** | rejection_reason "
        "| 1 | 1.587% | unknown_currency |" in summary
    )


@pytest.mark.slow  # runs the validate command through dbt (./run test only)
def test_validate_command_refuses_a_broken_file_with_advice(tmp_path, monkeypatch, capsys):
    broken = tmp_path / "orders.csv"
    broken.write_text("customer_id,order_id,ordered_at,amount\n")
    monkeypatch.chdir(PROJECT_DIR)
    monkeypatch.setenv("DBT_PROFILES_DIR", str(PROJECT_DIR))
    monkeypatch.setenv("WAREHOUSE_PATH", str(tmp_path / "warehouse.duckdb"))
    with pytest.raises(SystemExit) as stopped:
        cli.main(
            [
                "validate",
                "--as-of",
                "2024-03-31",
                "--out",
                str(tmp_path / "report"),
                "--vars",
                f"{{transactions_path: '{broken}'}}",
            ]
        )
    assert stopped.value.code == "dbt run-operation failed (see the messages above)"
    assert f"The transactions file {broken} has a header but no rows" in capsys.readouterr().out
    assert not (tmp_path / "report").exists()
