"""Great Expectations suites for the raw inputs, run before ``dbt build``.

Structural problems (missing file, empty file, missing column, wrong delimiter, a column
mostly not of its type) are refused earlier, by the dbt macro ``check_raw_inputs`` that
``dbt build`` also runs: one mechanism, whoever starts the run. This step profiles the
content of every row and keeps the results: row problems do not stop the run (dbt
quarantines those rows with a reason code), but they are counted, saved as JSON and
summarised for people.

DuckDB prepares one typed frame per input (parsing as dbt's staging does); Great
Expectations validates it through an ephemeral context and a pandas datasource (the SQL
datasource does not work on DuckDB, see ENVIRONMENT.md).
"""

from __future__ import annotations

import datetime as dt
import json
import string
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

KNOWN_STATUSES = ["completed", "cancelled", "returned", "refunded"]
OPTIONAL_INPUTS = [
    "customers",
    "exchange_rates",
    "products",
    "web_events",
    "email_events",
    "survey_responses",
    "product_reviews",
    "customer_interests",
    "subscription_events",
    "invoices",
    "payments",
    "legal_events",
]


@dataclass(frozen=True)
class RowRules:
    """The row checks of one simple input, each named by the reason code dbt gives the
    failing rows (see the base_* staging models)."""

    ids: dict[str, str]  # column -> reason when missing
    timestamp: tuple[str, str] | None = None  # (column, reason when unparseable)
    categories: tuple[str, list[str], str, str | None] | None = (
        None  # column, allowed, reason, default
    )
    numbers: tuple[str, float, float, str] | None = None  # column, min, max, reason
    # a row rule in SQL on the trimmed text of columns ({column}), and its reason
    rule: tuple[str, str] | None = None
    duplicates: tuple[str, ...] | None = None  # None: identical rows; else these key columns
    duplicate_reason: str = "duplicate_row"
    customers_must_be_known: bool = True


SIMPLE_INPUTS = {
    "products": RowRules(
        ids={"product_id": "missing_product_id"},
        duplicates=("product_id",),
        duplicate_reason="duplicate_product_id",
        customers_must_be_known=False,
    ),
    "web_events": RowRules(
        ids={"customer_id": "missing_customer_id", "session_id": "missing_session_id"},
        timestamp=("event_at", "invalid_event_at"),
        categories=("event_type", ["page_view", "add_to_cart"], "unknown_event_type", "page_view"),
    ),
    "email_events": RowRules(
        ids={"customer_id": "missing_customer_id", "campaign_id": "missing_campaign_id"},
        timestamp=("event_at", "invalid_event_at"),
        categories=(
            "event_type",
            ["sent", "delivered", "opened", "clicked", "unsubscribed", "bounced"],
            "unknown_event_type",
            None,
        ),
    ),
    "survey_responses": RowRules(
        ids={"customer_id": "missing_customer_id"},
        timestamp=("answered_at", "invalid_answered_at"),
        categories=("survey_type", ["nps", "csat"], "unknown_survey_type", None),
        numbers=("score", 0, 10, "invalid_score"),
        rule=(
            "try_cast({score} as double) = floor(try_cast({score} as double)) and "
            "try_cast({score} as double) between "
            "case lower({survey_type}) when 'csat' then 1 else 0 end and "
            "case lower({survey_type}) when 'csat' then 5 else 10 end",
            "invalid_score",
        ),
    ),
    "product_reviews": RowRules(
        ids={"customer_id": "missing_customer_id"},
        timestamp=("reviewed_at", "invalid_reviewed_at"),
        numbers=("stars", 1, 5, "invalid_score"),
    ),
    "customer_interests": RowRules(
        ids={"customer_id": "missing_customer_id", "interest": "missing_interest"},
        duplicates=("customer_id", "interest"),
        duplicate_reason="duplicate_interest",
        customers_must_be_known=False,
    ),
    "subscription_events": RowRules(
        ids={
            "subscription_id": "missing_subscription_id",
            "customer_id": "missing_customer_id",
            "plan": "missing_plan",
        },
        timestamp=("event_at", "invalid_event_at"),
        categories=("event_type", ["start", "renewal", "cancellation"], "unknown_event_type", None),
    ),
    "invoices": RowRules(
        ids={"invoice_id": "missing_invoice_id", "customer_id": "missing_customer_id"},
        timestamp=("issued_at", "invalid_issued_at"),
        numbers=("amount", 0.01, 1e12, "invalid_amount"),
        duplicates=("invoice_id",),
        duplicate_reason="duplicate_invoice_id",
    ),
    "payments": RowRules(
        ids={"invoice_id": "missing_invoice_id"},
        timestamp=("paid_at", "invalid_paid_at"),
        numbers=("amount", 0.01, 1e12, "invalid_amount"),
        customers_must_be_known=False,
    ),
    "legal_events": RowRules(
        ids={"customer_id": "missing_customer_id"},
        categories=(
            "event_type",
            ["safeguard", "receivership", "liquidation"],
            "unknown_event_type",
            None,
        ),
    ),
}


@dataclass(frozen=True)
class Inputs:
    """Raw files of a run, resolved as macros/raw_inputs.sql resolves them."""

    transactions: Path
    customers: Path | None = None
    exchange_rates: Path | None = None
    products: Path | None = None
    web_events: Path | None = None
    email_events: Path | None = None
    survey_responses: Path | None = None
    product_reviews: Path | None = None
    customer_interests: Path | None = None
    subscription_events: Path | None = None
    invoices: Path | None = None
    payments: Path | None = None
    legal_events: Path | None = None

    @classmethod
    def from_vars(cls, dbt_vars: dict, demo_dir: Path) -> Inputs:
        # Demo mode reads every file from demo_dir; with transactions_path set, the other
        # inputs exist only when their own *_path is set (same rule as raw_input_path).
        own = dbt_vars.get("transactions_path")

        def optional(name: str) -> Path | None:
            if dbt_vars.get(f"{name}_path"):
                return Path(dbt_vars[f"{name}_path"])
            return None if own else demo_dir / f"{name}.parquet"

        return cls(
            transactions=Path(own) if own else demo_dir / "transactions.parquet",
            **{name: optional(name) for name in OPTIONAL_INPUTS},
        )


@dataclass
class Check:
    input: str
    expectation: str
    column: str | None
    success: bool
    rows: int
    unexpected: int
    examples: list
    handled_as: str  # what dbt does with the failing rows


@dataclass
class Report:
    checks: list[Check] = field(default_factory=list)
    rows_checked: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    load_time: str = ""

    @property
    def success(self) -> bool:
        return all(check.success for check in self.checks)

    def summary(self) -> str:
        lines = [
            f"# Raw input validation ({self.load_time})",
            "",
            "rows checked: "
            + ", ".join(f"{name} {rows:,}" for name, rows in self.rows_checked.items())
            + f"; {self.seconds:.1f} s",
            "",
            "| input | expectation | column | unexpected rows | share | handled as |",
            "|---|---|---|---:|---:|---|",
        ]
        for check in self.checks:
            share = check.unexpected / check.rows if check.rows else 0.0
            mark = "" if check.success else " **failed**"
            lines.append(
                f"| {check.input} | {check.expectation}{mark} | {check.column or ''} | "
                f"{check.unexpected:,} | {share:.3%} | {check.handled_as} |"
            )
        return "\n".join(lines) + "\n"


def _reader(path: Path) -> str:
    quoted = "'" + str(path).replace("'", "''") + "'"
    lowered = str(path).lower()
    if ".csv" in lowered or lowered.endswith((".tsv", ".txt")):
        return f"read_csv({quoted}, header = true, all_varchar = true)"
    return f"read_parquet({quoted})"


def _timestamp(column: str) -> str:
    """Text or typed column -> timestamp, honouring a UTC offset (as parse_timestamp does)."""
    text = f"trim(cast({column} as varchar))"
    return (
        f"case when regexp_matches({text}, "
        "'[0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)? *(Z|[+-][0-9]{2}(:?[0-9]{2})?)$') "
        f"then cast(try_cast({text} as timestamptz) at time zone 'UTC' as timestamp) "
        f"else try_cast({text} as timestamp) end"
    )


def _frames(con, inputs: Inputs, reporting_currency: str, load_time: dt.datetime):
    """One prepared pandas frame per input, parsed the way dbt staging parses."""
    frames = {}
    if inputs.exchange_rates:
        frames["exchange_rates"] = con.sql(f"""
            select
                upper(trim(cast(from_currency as varchar))) as from_currency,
                upper(trim(cast(to_currency as varchar))) as to_currency,
                try_cast(rate as double) as rate,
                try_cast(rate_date as date) as rate_date,
                count(*) over (partition by from_currency, to_currency, rate_date) as copies
            from {_reader(inputs.exchange_rates)}
        """).df()
    customer_ids = "select null::varchar as customer_id where false"
    if inputs.customers:
        con.sql(f"create temp table customers as select * from {_reader(inputs.customers)}")
        columns = {c.lower() for c in con.sql("select * from customers limit 0").columns}
        email = "lower(trim(email))" if "email" in columns else "null::varchar"
        ctype = "upper(trim(customer_type))" if "customer_type" in columns else "null::varchar"
        birth = "try_cast(birth_year as integer)" if "birth_year" in columns else "null::integer"
        frames["customers"] = con.sql(f"""
            select
                nullif(trim(cast(customer_id as varchar)), '') as customer_id,
                {ctype} as customer_type,
                {birth} as birth_year,
                split_part({email}, '@', 2) as email_domain
            from customers
        """).df()
        customer_ids = (
            "select distinct nullif(trim(cast(customer_id as varchar)), '') as customer_id "
            "from customers"
        )
    rated = "select distinct null::varchar as currency where false"
    if inputs.exchange_rates:
        rated = (
            "select distinct upper(trim(cast(from_currency as varchar))) as currency "
            f"from {_reader(inputs.exchange_rates)} "
            f"where upper(trim(cast(to_currency as varchar))) = '{reporting_currency}'"
        )
    source = _reader(inputs.transactions)
    described = con.sql(f"describe select * from {source}").fetchall()
    columns = {row[0].lower(): row[0] for row in described}
    types = {row[0].lower(): row[1].lower() for row in described}

    def text(name: str, default: str = "null") -> str:
        return f'trim(cast("{columns[name]}" as varchar))' if name in columns else default

    def typed(name: str, sql_type: str) -> str:
        """A typed column as is (Parquet); text parsed as dbt staging parses it (CSV)."""
        if types.get(name, "varchar") != "varchar":
            if sql_type == "timestamp" and types[name].startswith("timestamp with time zone"):
                return f"cast(\"{columns[name]}\" at time zone 'UTC' as timestamp)"
            return f'try_cast("{columns[name]}" as {sql_type})'
        if sql_type == "timestamp":
            return _timestamp(text(name))
        return f"try_cast({text(name)} as {sql_type})"

    every_column = ", ".join(f'"{name}"' for name in columns.values())
    # compact columns (booleans, numbers, categories): 10M+ rows of id strings in pandas
    # would cost gigabytes, and each fact is already decided here
    frames["transactions"] = con.sql(f"""
        with raw as (
            -- identical rows share a 64-bit hash of every column (a false match among
            -- 20M rows has odds of about 1 in 100,000; this is a profile, dbt is exact)
            select *, count(*) over (partition by hash({every_column})) as identical_rows
            from {source}
        ),
        prepared as (
            select
                nullif({text("customer_id")}, '') as customer_id,
                nullif({text("order_id")}, '') as order_id,
                {typed("amount", "double")} as amount_number,
                {typed("ordered_at", "timestamp")} as ordered_at_parsed,
                coalesce(lower(nullif({text("status")}, '')), 'completed') as status,
                coalesce(upper(nullif({text("currency")}, '')), '{reporting_currency}')
                    as currency,
                identical_rows
            from raw
        ),
        per_order as (
            select
                order_id,
                count(distinct customer_id) as customers_per_order,
                count(distinct cast(ordered_at_parsed as date)) as days_per_order
            from prepared
            where order_id is not null
            group by order_id
        )
        select
            prepared.customer_id is not null as has_customer_id,
            prepared.order_id is not null as has_order_id,
            prepared.amount_number,
            prepared.ordered_at_parsed is not null as has_ordered_at,
            -- a flag, not a timestamp: Great Expectations compares 10M datetimes slowly
            coalesce(prepared.ordered_at_parsed > '{load_time:%Y-%m-%d %H:%M:%S}', false)
                as is_dated_after_load,
            prepared.status,
            prepared.currency,
            cast(prepared.identical_rows as integer) as identical_rows,
            cast(coalesce(per_order.customers_per_order, 1) as integer) as customers_per_order,
            cast(coalesce(per_order.days_per_order, 1) as integer) as days_per_order,
            prepared.currency = '{reporting_currency}' or rated.currency is not null
                as has_rates,
            prepared.customer_id is null or known.customer_id is not null as is_known_customer
        from prepared
        left join per_order on prepared.order_id = per_order.order_id
        left join ({rated}) as rated on prepared.currency = rated.currency
        left join ({customer_ids}) as known on prepared.customer_id = known.customer_id
    """).df()
    for column in ("status", "currency"):
        frames["transactions"][column] = frames["transactions"][column].astype("category")
    for name, rules in SIMPLE_INPUTS.items():
        path = getattr(inputs, name)
        if path:
            frames[name] = _simple_frame(con, path, rules, customer_ids, load_time)
    return frames


def _simple_frame(con, path: Path, rules: RowRules, customer_ids: str, load_time: dt.datetime):
    """One compact frame of flags for a simple input: a column per check."""
    source = _reader(path)
    columns = {
        row[0].lower(): row[0] for row in con.sql(f"describe select * from {source}").fetchall()
    }

    def text(name: str) -> str:
        return (
            f"nullif(trim(cast(\"{columns[name]}\" as varchar)), '')" if name in columns else "null"
        )

    selects = [f"{text(column)} is not null as has_{column}" for column in rules.ids]
    if rules.timestamp:
        parsed = (
            _timestamp(f'"{columns[rules.timestamp[0]]}"')
            if rules.timestamp[0] in columns
            else "null"
        )
        selects.append(f"{parsed} is not null as has_{rules.timestamp[0]}")
        selects.append(
            f"coalesce({parsed} > '{load_time:%Y-%m-%d %H:%M:%S}', false) as is_dated_after_load"
        )
    if rules.categories:
        column, _, _, default = rules.categories
        fallback = f"'{default}'" if default else "null"
        selects.append(f"coalesce(lower({text(column)}), {fallback}) as {column}")
    if rules.numbers:
        selects.append(f"try_cast({text(rules.numbers[0])} as double) as {rules.numbers[0]}")
    if rules.rule:
        fields = {field for _, field, _, _ in string.Formatter().parse(rules.rule[0]) if field}
        sql = rules.rule[0].format_map({field: text(field) for field in fields})
        selects.append(f"coalesce({sql}, false) as passes_rule")
    keys = (
        ", ".join(f"lower({text(key)})" for key in rules.duplicates)
        if rules.duplicates
        else ", ".join(f'"{name}"' for name in columns.values())
    )
    selects.append(f"cast(count(*) over (partition by {keys}) as integer) as copies")
    if rules.customers_must_be_known and "customer_id" in columns:
        selects.append(
            f"{text('customer_id')} is null or {text('customer_id')} in ({customer_ids}) "
            "as is_known_customer"
        )
    return con.sql(f"select {', '.join(selects)} from {source}").df()


def _suites(inputs: Inputs, as_of: dt.date, max_line_amount: float):
    """input -> [(expectation, reason code dbt gives the failing rows)]."""
    import great_expectations.expectations as gxe

    transactions = [
        (
            gxe.ExpectColumnValuesToBeInSet(column="has_customer_id", value_set=[True]),
            "missing_customer_id",
        ),
        (
            gxe.ExpectColumnValuesToBeInSet(column="has_order_id", value_set=[True]),
            "missing_order_id",
        ),
        (
            gxe.ExpectColumnValuesToBeInSet(column="has_ordered_at", value_set=[True]),
            "invalid_ordered_at",
        ),
        (
            gxe.ExpectColumnValuesToBeInSet(column="is_dated_after_load", value_set=[False]),
            "date_in_future",
        ),
        (gxe.ExpectColumnValuesToNotBeNull(column="amount_number"), "invalid_amount"),
        (
            gxe.ExpectColumnValuesToBeBetween(
                column="amount_number", min_value=0.01, max_value=max_line_amount
            ),
            "non_positive_amount / implausible_amount",
        ),
        (
            gxe.ExpectColumnValuesToBeInSet(column="status", value_set=KNOWN_STATUSES),
            "unknown_status",
        ),
        (gxe.ExpectColumnValuesToBeInSet(column="identical_rows", value_set=[1]), "duplicate_row"),
        (
            gxe.ExpectColumnValuesToBeBetween(column="customers_per_order", max_value=1),
            "conflicting_order_lines",
        ),
        (
            gxe.ExpectColumnValuesToBeBetween(column="days_per_order", max_value=1),
            "conflicting_order_lines",
        ),
        (gxe.ExpectColumnValuesToBeInSet(column="has_rates", value_set=[True]), "unknown_currency"),
    ]
    if inputs.customers:
        transactions.append(
            (
                gxe.ExpectColumnValuesToBeInSet(column="is_known_customer", value_set=[True]),
                "unknown_customer",
            )
        )
    suites = {"transactions": transactions}
    if inputs.customers:
        suites["customers"] = [
            (gxe.ExpectColumnValuesToNotBeNull(column="customer_id"), "missing_customer_id"),
            (gxe.ExpectColumnValuesToBeUnique(column="customer_id"), "duplicate_customer_id"),
            (
                gxe.ExpectColumnValuesToBeInSet(column="customer_type", value_set=["B2C", "B2B"]),
                "kept (type shown as given)",
            ),
            (
                gxe.ExpectColumnValuesToBeBetween(
                    column="birth_year", min_value=as_of.year - 110, max_value=as_of.year
                ),
                "kept (age band from it)",
            ),
            (
                gxe.ExpectColumnValuesToNotBeInSet(
                    column="email_domain", value_set=["example.com", "test.local"]
                ),
                "test_account",
            ),
        ]
    for name, rules in SIMPLE_INPUTS.items():
        if getattr(inputs, name):
            suites[name] = _simple_suite(gxe, rules, known_customers=bool(inputs.customers))
    if inputs.exchange_rates:
        suites["exchange_rates"] = [
            (gxe.ExpectColumnValuesToNotBeNull(column="from_currency"), "missing_currency"),
            (gxe.ExpectColumnValuesToNotBeNull(column="rate_date"), "invalid_rate_date"),
            (gxe.ExpectColumnValuesToBeBetween(column="rate", min_value=1e-8), "invalid_rate"),
            (gxe.ExpectColumnValuesToNotBeNull(column="rate"), "invalid_rate"),
            (gxe.ExpectColumnValuesToBeInSet(column="copies", value_set=[1]), "duplicate_rate"),
        ]
    return suites


def _simple_suite(gxe, rules: RowRules, known_customers: bool) -> list:
    suite = [
        (gxe.ExpectColumnValuesToBeInSet(column=f"has_{column}", value_set=[True]), reason)
        for column, reason in rules.ids.items()
    ]
    if rules.timestamp:
        column, reason = rules.timestamp
        suite.append(
            (gxe.ExpectColumnValuesToBeInSet(column=f"has_{column}", value_set=[True]), reason)
        )
        suite.append(
            (
                gxe.ExpectColumnValuesToBeInSet(column="is_dated_after_load", value_set=[False]),
                "date_in_future",
            )
        )
    if rules.categories:
        column, allowed, reason, _ = rules.categories
        suite.append((gxe.ExpectColumnValuesToBeInSet(column=column, value_set=allowed), reason))
    if rules.numbers:
        column, low, high, reason = rules.numbers
        suite.append((gxe.ExpectColumnValuesToNotBeNull(column=column), reason))
        suite.append(
            (
                gxe.ExpectColumnValuesToBeBetween(column=column, min_value=low, max_value=high),
                reason,
            )
        )
    if rules.rule:
        suite.append(
            (gxe.ExpectColumnValuesToBeInSet(column="passes_rule", value_set=[True]), rules.rule[1])
        )
    suite.append(
        (gxe.ExpectColumnValuesToBeInSet(column="copies", value_set=[1]), rules.duplicate_reason)
    )
    if known_customers and rules.customers_must_be_known:
        suite.append(
            (
                gxe.ExpectColumnValuesToBeInSet(column="is_known_customer", value_set=[True]),
                "unknown_customer",
            )
        )
    return suite


def validate(
    inputs: Inputs,
    as_of: dt.date,
    out_dir: Path,
    reporting_currency: str = "EUR",
    max_line_amount: float = 1_000_000,
    load_time: dt.datetime | None = None,
    progress=print,
) -> Report:
    """Run every suite, save ``<out_dir>/validation-<time>.json`` and ``.md``, return the report."""
    started = time.perf_counter()
    load_time = load_time or dt.datetime.now(dt.UTC)
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    datasource = context.data_sources.add_pandas("raw_inputs")
    with duckdb.connect() as con:
        frames = _frames(con, inputs, reporting_currency, load_time.astimezone(dt.UTC))
    report = Report(load_time=load_time.isoformat(timespec="seconds"))
    raw_results = {}
    for name, expectations in _suites(inputs, as_of, max_line_amount).items():
        frame = frames[name]
        report.rows_checked[name] = len(frame)
        progress(f"  {name}: {len(frame):,} rows, {len(expectations)} expectations")
        batch = datasource.add_dataframe_asset(name=name).add_batch_definition_whole_dataframe(
            "all rows"
        )
        suite = context.suites.add(gx.ExpectationSuite(name=f"raw_{name}"))
        for expectation, handled_as in expectations:
            expectation.meta = {"handled_as": handled_as}
            suite.add_expectation(expectation)
        definition = context.validation_definitions.add(
            gx.ValidationDefinition(name=f"raw_{name}", data=batch, suite=suite)
        )
        result = definition.run(batch_parameters={"dataframe": frame}, result_format="SUMMARY")
        raw_results[name] = result.to_json_dict()
        for item in result.results:
            config = item.expectation_config
            report.checks.append(
                Check(
                    input=name,
                    expectation=config.type,
                    column=config.kwargs.get("column"),
                    success=bool(item.success),
                    rows=int(item.result.get("element_count") or len(frame)),
                    unexpected=int(item.result.get("unexpected_count") or 0),
                    examples=[str(v) for v in (item.result.get("partial_unexpected_list") or [])][
                        :5
                    ],
                    handled_as=config.meta.get("handled_as", ""),
                )
            )
    report.seconds = time.perf_counter() - started
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = load_time.strftime("%Y%m%dT%H%M%S")
    (out_dir / f"validation-{stamp}.json").write_text(
        json.dumps(
            {
                "load_time": report.load_time,
                "as_of_date": as_of.isoformat(),
                "rows_checked": report.rows_checked,
                "seconds": round(report.seconds, 2),
                "checks": [check.__dict__ for check in report.checks],
                "great_expectations": raw_results,
            },
            indent=1,
            default=str,
        )
    )
    (out_dir / f"validation-{stamp}.md").write_text(report.summary())
    return report
