"""The input contract and the run settings, read from where dbt reads them.

- Inputs: each raw input is declared once, in the sources YAML
  (``models/staging/*/_*__sources.yml``): ``meta.input`` (label, file types, freshness
  column, reason codes, duplicate key, row rules) and ``columns`` (type, required,
  default, accepted values, reason). dbt reads it through the macro
  ``raw_input_contracts``; Python (validation, PostgreSQL loader, docs/inputs.md) through
  :func:`inputs`.
- Settings: the ``vars`` of ``dbt_project.yml`` (their documented defaults) merged with the
  run's ``--vars``, as dbt merges them (:func:`settings`). So a var such as
  ``test_account_email_domains`` means the same to dbt and to the validation report.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import yaml

PROJECT_DIR = Path(__file__).resolve().parents[1]
TEXT_FILE_TYPES_OF_PARQUET = ("parquet",)


@dataclass(frozen=True)
class Column:
    """One declared column of a raw input."""

    name: str
    data_type: str  # SQL type staging casts it to (varchar, timestamp, date, decimal(p, s), ...)
    required: bool = False
    default: object = None  # value staging uses when the column or the value is missing
    values: tuple[str, ...] | None = None  # accepted values (compared case-insensitively)
    reason: str | None = None  # reason code when missing, unparseable or not accepted
    description: str = ""


@dataclass(frozen=True)
class Input:
    """One raw input (a source table) and its contract."""

    name: str
    source: str
    label: str
    description: str
    file_types: tuple[str, ...]
    columns: tuple[Column, ...]
    reasons: tuple[str, ...]  # every code the base model gives, in the order it tests them
    later_reasons: tuple[str, ...] = ()  # codes given by later models (cross-row rules)
    rules: tuple[dict, ...] = ()  # {reason, sql}: a row rule over typed values, false = reason
    duplicate_key: tuple[str, ...] | None = None  # None: exact copies (every column equal)
    loaded_at: str | None = None
    freshness: dict | None = None
    freshness_exempt_reason: str | None = None

    @property
    def required(self) -> list[str]:
        return [column.name for column in self.columns if column.required]

    @property
    def duplicate_reason(self) -> str | None:
        return next((reason for reason in self.reasons if reason.startswith("duplicate_")), None)

    def column(self, name: str) -> Column | None:
        return next((column for column in self.columns if column.name == name), None)


def _tuple(value) -> tuple:
    return tuple(value) if value else ()


@functools.cache
def inputs(project_dir: Path = PROJECT_DIR) -> dict[str, Input]:
    """name -> Input for every source table declaring ``meta.input``, transactions first."""
    found: dict[str, Input] = {}
    for path in sorted((project_dir / "models" / "staging").glob("*/_*__sources.yml")):
        for source in yaml.safe_load(path.read_text()).get("sources", []):
            source_meta = source.get("meta") or {}
            for table in source.get("tables", []):
                declared = (table.get("meta") or {}).get("input")
                if declared is None:
                    continue
                columns = tuple(
                    Column(
                        name=column["name"],
                        data_type=column.get("data_type", "varchar"),
                        required=bool((column.get("meta") or {}).get("required")),
                        default=(column.get("meta") or {}).get("default"),
                        values=_tuple((column.get("meta") or {}).get("values")) or None,
                        reason=(column.get("meta") or {}).get("reason"),
                        description=column.get("description", ""),
                    )
                    for column in table.get("columns", [])
                )
                found[table["name"]] = Input(
                    name=table["name"],
                    source=source["name"],
                    label=declared.get("label", table["name"].replace("_", " ") + " file"),
                    description=" ".join(table.get("description", "").split()),
                    file_types=_tuple(source_meta.get("file_types", ["parquet"])),
                    columns=columns,
                    reasons=_tuple(declared.get("reasons")),
                    later_reasons=_tuple(declared.get("later_reasons")),
                    rules=_tuple(declared.get("rules")),
                    duplicate_key=_tuple(declared.get("duplicate_key")) or None,
                    loaded_at=declared.get("loaded_at"),
                    freshness=table.get("freshness"),
                    freshness_exempt_reason=(table.get("meta") or {}).get(
                        "freshness_exempt_reason"
                    ),
                )
    ordered = {"transactions": found.pop("transactions")} if "transactions" in found else {}
    return ordered | found


def default_vars(project_dir: Path = PROJECT_DIR) -> dict:
    """The vars of dbt_project.yml with their documented defaults (Jinja left unrendered)."""
    project = yaml.safe_load((project_dir / "dbt_project.yml").read_text())
    return dict(project.get("vars") or {})


def settings(dbt_vars: dict | None = None, project_dir: Path = PROJECT_DIR) -> dict:
    """The vars a run sees: dbt_project.yml defaults, overridden by ``--vars`` (as dbt does)."""
    return default_vars(project_dir) | dict(dbt_vars or {})


def input_paths(dbt_vars: dict, demo_dir: Path) -> dict[str, Path | None]:
    """The file of each input (macro raw_input_path): ``<name>_path`` if set, else the demo
    file ``<demo_dir>/<name>.parquet``; once ``transactions_path`` is set, an input other
    than transactions exists only when its own path is set (demo files never mix in)."""
    own = bool(dbt_vars.get("transactions_path"))
    paths: dict[str, Path | None] = {}
    for name in inputs():
        if dbt_vars.get(f"{name}_path"):
            paths[name] = Path(dbt_vars[f"{name}_path"])
        elif name == "transactions" or not own:
            paths[name] = demo_dir / f"{name}.parquet"
        else:
            paths[name] = None
    return paths


def is_text_file(path: Path | str, file_types: tuple[str, ...]) -> bool:
    """True when a file is read as delimited text: its extension is one of the contract's
    file types other than parquet (or '.csv' appears in its name, e.g. x.csv.gz)."""
    lowered = str(path).lower()
    extension = lowered.rsplit("/", 1)[-1].rsplit(".", 1)[-1]
    text_types = [kind for kind in file_types if kind not in TEXT_FILE_TYPES_OF_PARQUET]
    return extension in text_types or ".csv" in lowered


def duckdb_reader(path: Path | str, file_types: tuple[str, ...], encoding: str = "utf-8") -> str:
    """The DuckDB table expression that reads a raw file, as the macro raw_input builds it:
    text files with every column as text (staging decides every cast) in ``encoding`` (var
    csv_encoding, normalised: utf-8, latin-1 or utf-16), Parquet typed."""
    quoted = "'" + str(path).replace("'", "''") + "'"
    if is_text_file(path, file_types):
        given = "" if encoding == "utf-8" else f", encoding = '{encoding}'"
        return f"read_csv({quoted}, header = true, all_varchar = true{given})"
    return f"read_parquet({quoted})"


ENCODINGS = {
    "utf-8": "utf-8",
    "utf8": "utf-8",
    "latin-1": "latin-1",
    "latin1": "latin-1",
    "iso-8859-1": "latin-1",
    "utf-16": "utf-16",
    "utf16": "utf-16",
}


def csv_encoding(settings: dict) -> str:
    """var csv_encoding normalised as the macro csv_encoding does (utf-8, latin-1, utf-16)."""
    given = str(settings.get("csv_encoding") or "utf-8").lower().replace("_", "-")
    if given not in ENCODINGS:
        raise ValueError(f"csv_encoding must be utf-8, latin-1 or utf-16; got '{given}'.")
    return ENCODINGS[given]


def inputs_markdown(project_dir: Path = PROJECT_DIR) -> str:
    """docs/inputs.md: the input reference, generated from the contract (``python -m
    customer_scoring.contract`` writes it; tests/python/test_input_contract.py checks it)."""
    found = inputs(project_dir)
    lines = [
        "# Inputs",
        "",
        "<!-- Generated from the sources YAML (models/staging/*/_*__sources.yml) by",
        "     `python -m customer_scoring.contract`; edit the YAML, not this file. -->",
        "",
        "Each input is a file: var `<name>_path`, else `<demo_data_dir>/<name>.parquet` in demo",
        "mode. Once `transactions_path` is set, another input is read only when its own path is",
        "set. Delimited text (.csv, .tsv, .txt) is read with every column as text and typed by",
        "staging; Parquet is read typed. A missing required column stops the run before any",
        "model; a row that breaks a rule is kept aside in `quarantined_rows` with its reason.",
        "",
        "| input | source | required columns | freshness |",
        "|---|---|---|---|",
    ]
    for spec in found.values():
        if spec.freshness:
            warn, error = (
                spec.freshness.get("warn_after", {}),
                spec.freshness.get("error_after", {}),
            )
            fresh = (
                f"`{spec.loaded_at}`: warn after {warn.get('count')} {warn.get('period')}s, "
                f"error after {error.get('count')} {error.get('period')}s"
            )
        else:
            fresh = f"none: {spec.freshness_exempt_reason}"
        lines.append(
            f"| [{spec.name}](#{spec.name}) | {spec.source} | "
            f"{', '.join(spec.required)} | {fresh} |"
        )
    for spec in found.values():
        lines += [
            "",
            f"## {spec.name}",
            "",
            f"Source `{spec.source}.{spec.name}` ({spec.label}; "
            f"{', '.join('.' + kind for kind in spec.file_types)}). {spec.description}",
            "",
            "| column | type | required | default | accepted values | reason when unfit |",
            "|---|---|---|---|---|---|",
        ]
        for column in spec.columns:
            default = "" if column.default is None else str(column.default).lower()
            lines.append(
                f"| {column.name} | {column.data_type} | {'yes' if column.required else ''} | "
                f"{default} | {', '.join(column.values or [])} | {column.reason or ''} |"
            )
        lines += [
            "",
            "Reason codes, in the order staging tests them: "
            + ", ".join(f"`{reason}`" for reason in spec.reasons)
            + ".",
        ]
        if spec.rules:
            lines.append(
                "Row rules: "
                + "; ".join(f"`{rule['sql']}` else `{rule['reason']}`" for rule in spec.rules)
                + "."
            )
        if spec.later_reasons:
            lines.append(
                "Set aside later (rules across rows or inputs): "
                + ", ".join(f"`{reason}`" for reason in spec.later_reasons)
                + "."
            )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    target = PROJECT_DIR / "docs" / "inputs.md"
    target.parent.mkdir(exist_ok=True)
    target.write_text(inputs_markdown())
    print(f"wrote {target}")
