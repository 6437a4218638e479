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
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from customer_scoring import contract

# Inputs with a frame of their own: transactions (checks across rows and inputs) and
# customers (test accounts). Every other input's checks derive from its contract.
SPECIAL_INPUTS = ("transactions", "customers")


class Inputs:
    """Raw files of a run, resolved as macros/raw_inputs.sql resolves them, and the run's
    settings (dbt_project.yml vars merged with the run's vars: contract.settings).

    ``Inputs(transactions=path, customers=path, ..., settings={var: value})``; an input
    not given has no file. Inputs are the sources declaring an input contract."""

    def __init__(self, transactions: Path, settings: dict | None = None, **others: Path | None):
        known = contract.inputs()
        unknown = sorted(set(others) - set(known))
        if unknown:
            raise TypeError(f"unknown inputs {unknown}; the contract declares {sorted(known)}")
        self.paths: dict[str, Path | None] = {name: None for name in known}
        self.paths.update(others)
        self.paths["transactions"] = Path(transactions)
        self.settings = contract.settings(settings)

    def __getattr__(self, name: str):
        paths = self.__dict__.get("paths", {})
        if name in paths:
            return paths[name]
        raise AttributeError(name)

    @classmethod
    def from_vars(cls, dbt_vars: dict, demo_dir: Path) -> Inputs:
        # Demo mode reads every file from demo_dir; with transactions_path set, the other
        # inputs exist only when their own *_path is set (same rule as raw_input_path).
        paths = contract.input_paths(dbt_vars, demo_dir)
        return cls(settings=dbt_vars, **paths)


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


def _reader(name: str, path: Path) -> str:
    """The DuckDB reader of an input's file, from its contract (as the macro raw_input)."""
    return contract.duckdb_reader(path, contract.inputs()[name].file_types)


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
    customer_ids = "select null::varchar as customer_id where false"
    if inputs.customers:
        con.sql(
            f"create temp table customers as select * from {_reader('customers', inputs.customers)}"
        )
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
            f"from {_reader('exchange_rates', inputs.exchange_rates)} "
            f"where upper(trim(cast(to_currency as varchar))) = '{reporting_currency}'"
        )
    source = _reader("transactions", inputs.transactions)
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

    status = contract.inputs()["transactions"].column("status")
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
                coalesce(lower(nullif({text("status")}, '')), '{status.default}') as status,
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
    for name, spec in contract.inputs().items():
        if name not in SPECIAL_INPUTS and inputs.paths.get(name):
            frames[name] = _simple_frame(
                con, inputs.paths[name], spec, customer_ids, load_time, inputs.settings
            )
    return frames


def _typed(column: contract.Column, text: str) -> str:
    """The trimmed text of a column typed as staging types it (unparseable -> null)."""
    if column.data_type == "timestamp":
        return _timestamp(text)
    if column.data_type == "varchar":
        return f"lower({text})" if column.values else text
    number = column.data_type.startswith(("decimal", "numeric", "integer", "double"))
    return f"try_cast({text} as {'double' if number else column.data_type})"


def _simple_frame(
    con, path: Path, spec: contract.Input, customer_ids: str, load_time: dt.datetime, settings
):
    """One compact frame of an input's row checks, all derived from its contract: a flag
    or value per column that has a reason code, the date-in-future flag, one flag per row
    rule, the number of copies of the row (or of its duplicate key), whether its customer
    is known."""
    source = _reader(spec.name, path)
    found = {
        row[0].lower(): row[0] for row in con.sql(f"describe select * from {source}").fetchall()
    }

    def text(name: str) -> str:
        if name not in found:
            return "null"
        return f"nullif(trim(cast(\"{found[name]}\" as varchar)), '')"

    typed = [
        f"{_typed(column, text(column.name))} as {column.name}"
        for column in spec.columns
        if column.name in found or column.default is not None or column.required
    ]
    keys = (
        ", ".join(f"lower({text(key)})" for key in spec.duplicate_key)
        if spec.duplicate_key
        else ", ".join(f'"{name}"' for name in found.values())
    )
    selects = []
    for column in spec.columns:
        if not column.reason or column.name not in found and not column.required:
            continue
        if column.values:
            fallback = f"'{column.default}'" if column.default else "null"
            selects.append(f"coalesce({column.name}, {fallback}) as {column.name}")
        else:
            selects.append(f"{column.name} is not null as has_{column.name}")
    if "date_in_future" in spec.reasons and spec.loaded_at:
        selects.append(
            f"coalesce(cast({spec.loaded_at} as date) > '{load_time:%Y-%m-%d}', false)"
            " as is_dated_after_load"
        )
    for number, rule in enumerate(spec.rules):
        sql = rule["sql"].replace("{max_line_amount}", str(settings.get("max_line_amount")))
        selects.append(f"coalesce({sql}, false) as passes_rule_{number}")
    if spec.duplicate_reason:
        selects.append("cast(copies as integer) as copies")
    if "unknown_customer" in spec.later_reasons and "customer_id" in found:
        selects.append(
            f"customer_id is null or customer_id in ({customer_ids}) as is_known_customer"
        )
    return con.sql(f"""
        with raw as (
            select *, count(*) over (partition by {keys}) as copies from {source}
        ),
        typed as (
            select {", ".join(typed)}, copies from raw
        )
        select {", ".join(selects)} from typed
    """).df()


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
            gxe.ExpectColumnValuesToBeInSet(
                column="status",
                value_set=list(contract.inputs()["transactions"].column("status").values),
            ),
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
                gxe.ExpectColumnValuesToBeInSet(
                    column="customer_type",
                    value_set=list(contract.inputs()["customers"].column("customer_type").values),
                ),
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
                    column="email_domain",
                    value_set=[
                        str(domain).lower()
                        for domain in inputs.settings.get("test_account_email_domains") or []
                    ],
                ),
                "test_account",
            ),
        ]
    for name, spec in contract.inputs().items():
        if name not in SPECIAL_INPUTS and inputs.paths.get(name):
            suites[name] = _simple_suite(gxe, spec, known_customers=bool(inputs.customers))
    return suites


def _simple_suite(gxe, spec: contract.Input, known_customers: bool) -> list:
    """The expectations of an input's contract, each with the reason code dbt gives."""
    suite = []
    for column in spec.columns:
        if not column.reason:
            continue
        if column.values:
            allowed = [value.lower() for value in column.values]
            expectation = gxe.ExpectColumnValuesToBeInSet(column=column.name, value_set=allowed)
        else:
            expectation = gxe.ExpectColumnValuesToBeInSet(
                column=f"has_{column.name}", value_set=[True]
            )
        suite.append((expectation, column.reason))
    if "date_in_future" in spec.reasons and spec.loaded_at:
        suite.append(
            (
                gxe.ExpectColumnValuesToBeInSet(column="is_dated_after_load", value_set=[False]),
                "date_in_future",
            )
        )
    for number, rule in enumerate(spec.rules):
        suite.append(
            (
                gxe.ExpectColumnValuesToBeInSet(column=f"passes_rule_{number}", value_set=[True]),
                rule["reason"],
            )
        )
    if spec.duplicate_reason:
        suite.append(
            (gxe.ExpectColumnValuesToBeInSet(column="copies", value_set=[1]), spec.duplicate_reason)
        )
    if known_customers and "unknown_customer" in spec.later_reasons:
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
    reporting_currency: str | None = None,
    max_line_amount: float | None = None,
    load_time: dt.datetime | None = None,
    progress=print,
) -> Report:
    """Run every suite, save ``<out_dir>/validation-<time>.json`` and ``.md``, return the report.

    Settings not given (reporting currency, max line amount) and every other one (e.g. the
    test-account domains) come from ``inputs.settings``: the vars dbt sees."""
    settings = inputs.settings
    reporting_currency = str(reporting_currency or settings["reporting_currency"]).upper()
    max_line_amount = float(max_line_amount or settings["max_line_amount"])
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
