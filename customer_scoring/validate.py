"""Great Expectations suites for the raw inputs, run before ``dbt build``.

Structural problems (missing file, empty file, missing column, wrong delimiter, a column
mostly not of its type) are refused earlier, by the dbt macro ``check_raw_inputs`` that
``dbt build`` also runs: one mechanism, whoever starts the run. This step profiles the
content of every row and keeps the results: row problems do not stop the run (dbt
quarantines those rows with a reason code), but they are counted, saved as JSON and
summarised for people.

Everything here derives from the input contract (customer_scoring/contract.py, read from
the sources YAML) and the run's settings (dbt_project.yml vars merged with the run's
vars): DuckDB types each input's columns as its contract declares and gives each row the
reason dbt will give it (the contract's reasons in order, then its later reasons, such
as test_account with the var test_account_email_domains); Great Expectations then
expects, per reason, that no row has it, so the report counts per input and reason what
quarantined_rows will show (tests/python/test_input_guards.py checks it on the corpus).
GE runs through an ephemeral context and a pandas datasource (the SQL datasource does not
work on DuckDB, see ENVIRONMENT.md).

Rules that need more than one row (later_reasons: conflicting order lines, unknown
currency, no exchange rate, unknown customer or invoice, test account) are written here
as SQL conditions (_later_reasons), mirroring the intermediate models that give them.
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


def _reader(name: str, path: Path, settings: dict) -> str:
    """The DuckDB reader of an input's file, from its contract (as the macro raw_input)."""
    return contract.duckdb_reader(
        path, contract.inputs()[name].file_types, contract.csv_encoding(settings)
    )


def _timestamp(column: str, settings: dict) -> str:
    """Text -> timestamp as macro parse_timestamp reads it: ISO order with a four-digit year
    and a plausible one (var min_plausible_year, placeholder_dates excepted), an optional
    UTC offset (with or without a space before it) or IANA zone name converted to UTC."""
    text = f"trim(cast({column} as varchar))"
    day = "[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}"
    time = "([T ][0-9]{1,2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)?)?"
    offset = "(Z|[+-][0-9]{2}(:?[0-9]{2})?)"
    zone = "(UTC|[A-Za-z]+(/[A-Za-z0-9_+-]+)+)"
    plausible = (
        f"(try_cast(left({text}, 4) as integer) >= {int(settings['min_plausible_year'])} "
        f"or try_cast(left({text}, 10) as date) in ({_placeholder_dates(settings)}))"
    )
    return (
        f"case when not {plausible} then null "
        f"when regexp_matches({text}, '^{day}{time}$') then try_cast({text} as timestamp) "
        f"when regexp_matches({text}, '^{day}{time} *({offset}|{zone})$') "
        f"then cast(try_cast(regexp_replace({text}, ' +{offset}$', '\\1') as timestamptz) "
        "at time zone 'UTC' as timestamp) end"
    )


def _placeholder_dates(settings: dict) -> str:
    """var placeholder_dates as SQL date literals (macro placeholder_dates)."""
    return ", ".join(
        f"date '{dt.date.fromisoformat(str(day))}'" for day in settings["placeholder_dates"]
    )


def _rule(sql: str, settings: dict) -> str:
    """A contract row rule with the settings it names filled in (macro contract_rule)."""
    return (
        sql.replace("{max_line_amount}", str(settings["max_line_amount"]))
        .replace("{placeholder_dates}", _placeholder_dates(settings))
        .replace("{scientific_notation_pattern}", str(settings["scientific_notation_pattern"]))
    )


def _typed(column: contract.Column, text: str, settings: dict) -> str:
    """The trimmed text of a column typed as staging types it (unparseable -> null);
    columns with accepted values lower-cased, with their default when missing."""
    if column.data_type == "timestamp":
        return _timestamp(text, settings)
    if column.data_type == "date":
        return f"cast({_timestamp(text, settings)} as date)"
    if column.data_type == "varchar":
        if not column.values:
            return text
        default = f"'{str(column.default).lower()}'" if column.default is not None else "null"
        return f"coalesce(lower({text}), {default})"
    number = column.data_type.startswith(("decimal", "numeric", "integer", "double"))
    return f"try_cast({text} as {'double' if number else column.data_type})"


def _sql_list(values) -> str:
    return ", ".join("'" + str(value).replace("'", "''") + "'" for value in values)


def _staged(con, spec: contract.Input, path: Path, settings: dict, load_date: str) -> str:
    """The name of a temp table of an input's rows, typed from its contract, with the
    reason staging gives each row (rejection_reason, null = kept): the first of the
    contract's reasons, in its order, whose checks the row fails. The checks are those of
    the contract: a column's reason when it is missing, unparseable or not accepted, the
    row rules, date_in_future (loaded_at after the load date), and copies (of the duplicate
    key, else of every column) after the first, in file order."""
    source = _reader(spec.name, path, settings)
    found = {
        row[0].lower(): row[0] for row in con.sql(f"describe select * from {source}").fetchall()
    }

    def text(name: str) -> str:
        if name not in found:
            return "null"
        return f"nullif(trim(cast(\"{found[name]}\" as varchar)), '')"

    failing: dict[str, list[str]] = {reason: [] for reason in spec.reasons}
    for column in spec.columns:
        if column.reason and column.values:
            failing[column.reason].append(
                f"{column.name} is null or {column.name} not in "
                f"({_sql_list(value.lower() for value in column.values)})"
            )
        elif column.reason:
            failing[column.reason].append(f"{column.name} is null")
    for rule in spec.rules:
        failing[rule["reason"]].append(f"not coalesce({_rule(rule['sql'], settings)}, true)")
    if "date_in_future" in failing and spec.loaded_at:
        failing["date_in_future"].append(f"cast({spec.loaded_at} as date) > date '{load_date}'")
    if spec.duplicate_reason:
        failing[spec.duplicate_reason].append("copy_number > 1")
    whens = "\n".join(
        f"when {' or '.join(f'({check})' for check in checks)} then '{reason}'"
        for reason, checks in failing.items()
        if checks
    )
    copies = (
        ", ".join(spec.duplicate_key)
        if spec.duplicate_key
        else ", ".join(f'raw."{name}"' for name in found.values())
    )
    typed = ", ".join(
        f"{_typed(column, text(column.name), settings)} as {column.name}" for column in spec.columns
    )
    # rows with every field empty are skipped, not quarantined (macro raw_source_rows)
    blank = " and ".join(
        f"coalesce(trim(cast(raw.\"{name}\" as varchar)), '') = ''" for name in found.values()
    )
    table = f"staged_{spec.name}"
    con.sql(f"""
        create temp table {table} as
        with raw as (
            select *, row_number() over () as source_row_number from {source}
        ),
        typed as (
            select source_row_number, {typed} from raw where not ({blank})
        ),
        copied as (
            select typed.*, row_number() over (
                partition by {copies} order by typed.source_row_number
            ) as copy_number
            from typed
            {"" if spec.duplicate_key else "inner join raw using (source_row_number)"}
        )
        select {", ".join(column.name for column in spec.columns)}, source_row_number,
            case {whens} end as rejection_reason
        from copied
    """)
    return table


def _later_reasons(inputs: Inputs, staged: dict[str, str], settings: dict) -> dict:
    """input -> {reason: SQL condition on its kept rows} for the reasons given after staging
    (the contract's later_reasons, by the intermediate models), tested in that order."""
    reporting_currency = settings["reporting_currency"]
    customers = staged.get("customers")
    domains = [str(domain).lower() for domain in settings.get("test_account_email_domains") or []]
    test_ids = "select null::varchar as customer_id where false"
    known_ids = None
    if customers:
        test_ids = (
            f"select customer_id from {customers} where rejection_reason is null and "
            f"split_part(lower(email), '@', 2) in ({_sql_list(domains) or 'null'})"
        )
        known_ids = f"select customer_id from {customers} where rejection_reason is null"
    rates = (
        f"select upper(from_currency) as currency, rate_date from {staged['exchange_rates']} "
        f"where rejection_reason is null and upper(to_currency) = '{reporting_currency}'"
        if "exchange_rates" in staged
        else "select null::varchar as currency, null::date as rate_date where false"
    )
    invoices = (
        f"select invoice_id from {staged['invoices']} where rejection_reason is null"
        if "invoices" in staged
        else "select null::varchar as invoice_id where false"
    )
    currency = f"coalesce(upper(currency), '{reporting_currency}')"
    lines = staged.get("transactions")
    line_currency = f"coalesce(upper({lines}.currency), '{reporting_currency}')"
    kept_lines = f"(select * from {staged.get('transactions')} where rejection_reason is null)"
    sale = "status in ('completed', 'cancelled')"
    conditions = {
        "test_account": f"customer_id in ({test_ids})",
        "unknown_customer": f"customer_id not in ({known_ids})" if known_ids else None,
        "unknown_invoice": f"invoice_id not in ({invoices})",
        # customers differ, sale lines on different days, or a return before the sale
        # (int_order_lines_converted); a return on its own later day belongs to its order
        "conflicting_order_lines": (
            f"order_id in (select order_id from {kept_lines} group by order_id having "
            f"count(distinct customer_id) > 1 or count(distinct case when {sale} "
            "then cast(ordered_at as date) end) > 1 or min(cast(ordered_at as date)) < "
            f"coalesce(min(case when {sale} then cast(ordered_at as date) end), "
            "min(cast(ordered_at as date))))"
        ),
        "refund_exceeds_order": (
            f"order_id in (select order_id from {kept_lines} group by order_id having "
            "count(case when status = 'completed' then 1 end) > 0 and "
            "sum(case when status in ('returned', 'refunded') then amount else 0 end) > "
            "sum(case when status = 'completed' then amount else 0 end))"
        ),
        "unknown_currency": (
            f"{currency} != '{reporting_currency}' and {currency} not in "
            f"(select currency from ({rates}))"
        ),
        # the line's columns named by its table: unqualified, they would bind to the rates'
        "no_exchange_rate": (
            f"{currency} != '{reporting_currency}' and not exists (select 1 from ({rates}) "
            f"as rates where rates.currency = {line_currency} "
            f"and rates.rate_date <= cast({lines}.ordered_at as date))"
        ),
    }
    return {
        name: {
            reason: conditions[reason]
            for reason in contract.inputs()[name].later_reasons
            if conditions.get(reason)
        }
        for name in staged
    }


def _frames(con, inputs: Inputs, settings: dict, load_date: str):
    """One compact frame per input: the reason dbt gives each row (rejection_reason, from
    staging's checks, then the later reasons on the rows staging keeps), and for customers
    the columns profiled beyond the rules."""
    staged = {
        name: _staged(con, spec, inputs.paths[name], settings, load_date)
        for name, spec in contract.inputs().items()
        if inputs.paths.get(name)
    }
    frames = {}
    for name, later in _later_reasons(inputs, staged, settings).items():
        whens = " ".join(f"when {condition} then '{reason}'" for reason, condition in later.items())
        reason = f"coalesce(rejection_reason, case {whens} end)" if whens else "rejection_reason"
        extra = ", customer_type, birth_year" if name == "customers" else ""
        frame = con.sql(f"select {reason} as rejection_reason{extra} from {staged[name]}").df()
        frame["rejection_reason"] = frame["rejection_reason"].astype("category")
        if name == "customers":
            frame["customer_type"] = frame["customer_type"].str.upper()
        frames[name] = frame
    return frames


def _suites(inputs: Inputs, as_of: dt.date, frames: dict):
    """input -> [(expectation, reason code dbt gives the failing rows)]: one expectation per
    reason of the input's contract (no row has it), and for customers two profiles."""
    import great_expectations.expectations as gxe

    suites = {}
    for name in frames:
        spec = contract.inputs()[name]
        reasons = list(spec.reasons) + [
            reason
            for reason in spec.later_reasons
            if reason != "unknown_customer" or inputs.customers
        ]
        suites[name] = [
            (
                gxe.ExpectColumnValuesToNotBeInSet(column="rejection_reason", value_set=[reason]),
                reason,
            )
            for reason in reasons
        ]
    if "customers" in suites:
        suites["customers"] += [
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
        ]
    return suites


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
    settings = {
        **inputs.settings,
        "reporting_currency": str(
            reporting_currency or inputs.settings["reporting_currency"]
        ).upper(),
        "max_line_amount": float(max_line_amount or inputs.settings["max_line_amount"]),
    }
    started = time.perf_counter()
    load_time = load_time or dt.datetime.now(dt.UTC)
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    datasource = context.data_sources.add_pandas("raw_inputs")
    load_date = str(settings.get("load_date") or load_time.astimezone(dt.UTC).date())
    with duckdb.connect() as con:
        frames = _frames(con, inputs, settings, load_date)
    report = Report(load_time=load_time.isoformat(timespec="seconds"))
    raw_results = {}
    for name, expectations in _suites(inputs, as_of, frames).items():
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
