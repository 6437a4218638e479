"""The dbt-project-evaluator rules this project can check without the package (which the
dbt Hub cannot serve here), as a fast test over the manifest of one `dbt parse`.

Each rule is a function of the manifest dict that returns its violations, one readable
line each; the tests assert the list is empty. The doctored-manifest tests at the end
show that every rule can fail.

Rules:
- every model has a primary key tested unique and not null, as dbt-project-evaluator
  counts it. The key is found in this order: `meta: {primary_key: <column or list>}` on
  the model; else a column with a `unique` test (one that is also `not_null` first); else
  the columns of a `unique_combination_of_columns` test. A one-column key needs `unique`
  and `not_null` tests (an enforced `not_null` constraint counts); a key of several
  columns needs a `unique_combination_of_columns` test on exactly those columns. Tests
  with a `where` filter do not count (they test part of the rows);
- every source has freshness (`warn_after` or `error_after`), or says why not in
  `meta: {freshness_exempt_reason: ...}`;
- `source()` only in staging models, and neither `ref()` nor `source()` in a macro
  (a reader follows the lineage through models alone);
- every `access: public` model has an enforced contract, and there is at least one;
- the public layer: every model in models/public is `access: public`, in a group, has an
  enforced contract, a description on every column and the privacy test
  `holds_no_raw_identifiers`; no model outside models/public is public (the restricted
  layer: raw ids and contact details stay out of BI's reach, docs/privacy.md);
- exposures (dashboards, analyses) exist and read public models only;
- naming and folders: models/staging/<source>/stg_<source>__<entity> (base_ models in
  its base/ folder), models/intermediate/<area>/int_..., models/marts/<area>/<name>
  without a layer prefix, models/public/bi_<mart> (built as bi.<mart>);
- every line of SQL in models, macros, tests and analyses fits the 120-character limit
  (sqlfluff's layout.long_lines does not see lines that are jinja only, nor macro files
  under the dbt templater).
"""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from customer_scoring import dbt

PROJECT_DIR = Path(__file__).resolve().parents[2]
PACKAGE = "customer_scoring"
MAX_LINE_LENGTH = 120
SQL_DIRS = ("models", "macros", "tests/singular", "analyses")

JINJA_COMMENT = re.compile(r"{#.*?#}", re.DOTALL)
REF_OR_SOURCE = re.compile(r"\b(ref|source)\s*\(")
# a quoted string is text, not a call: a macro may name a ref in text it replaces
STRING_LITERAL = re.compile(r"\"[^\"\n]*\"|'[^'\n]*'")


@pytest.fixture(scope="module")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The manifest of `dbt parse` (no database needed) into a throw-away target path.
    ./run check parses once for all its steps and passes its manifest in
    CUSTOMER_SCORING_MANIFEST instead."""
    given = os.environ.get("CUSTOMER_SCORING_MANIFEST")
    if given and Path(given).is_file():
        return json.loads(Path(given).read_text())
    target = tmp_path_factory.mktemp("parse") / "target"
    program = Path(sys.executable).with_name("dbt")
    result = subprocess.run(
        [
            str(program),
            "parse",
            "--no-partial-parse",
            "--project-dir",
            str(PROJECT_DIR),
            "--profiles-dir",
            str(PROJECT_DIR),
            "--target-path",
            str(target),
            "--log-path",
            str(target / "logs"),
        ],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        env={**os.environ, "WAREHOUSE_PATH": ":memory:"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads((target / "manifest.json").read_text())


# --- the rules -------------------------------------------------------------------------


def _models(manifest: dict) -> list[dict]:
    return [
        node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["package_name"] == PACKAGE
    ]


def _tests_by_model(manifest: dict) -> dict[str, list[dict]]:
    """Generic data tests without a `where` filter, by the model they are attached to."""
    tests: dict[str, list[dict]] = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] != "test" or not node.get("test_metadata"):
            continue
        if (node.get("config") or {}).get("where"):
            continue
        attached = node.get("attached_node")
        if attached:
            tests.setdefault(attached, []).append(node)
    return tests


def _tested_columns(model: dict, tests: list[dict]) -> tuple[set[str], set[str]]:
    """(columns tested unique, columns tested not_null or with an enforced not_null
    constraint)."""
    unique = {t["column_name"] for t in tests if t["test_metadata"]["name"] == "unique"}
    not_null = {t["column_name"] for t in tests if t["test_metadata"]["name"] == "not_null"}
    if ((model.get("config") or {}).get("contract") or {}).get("enforced"):
        for name, column in model.get("columns", {}).items():
            if any(c.get("type") == "not_null" for c in column.get("constraints") or []):
                not_null.add(name)
    return unique, not_null


def _combinations(tests: list[dict]) -> list[list[str]]:
    return [
        list(t["test_metadata"]["kwargs"]["combination_of_columns"])
        for t in tests
        if t["test_metadata"]["name"] == "unique_combination_of_columns"
    ]


def primary_key(model: dict, tests: list[dict]) -> list[str] | None:
    """The model's primary key columns (see the module docstring), or None."""
    meta = {**((model.get("config") or {}).get("meta") or {}), **(model.get("meta") or {})}
    declared = meta.get("primary_key")
    if declared:
        return [declared] if isinstance(declared, str) else list(declared)
    unique, not_null = _tested_columns(model, tests)
    for candidates in (sorted(unique & not_null), sorted(unique)):
        if candidates:
            return [candidates[0]]
    combinations = _combinations(tests)
    return combinations[0] if combinations else None


def models_without_a_tested_primary_key(manifest: dict) -> list[str]:
    tests_by_model = _tests_by_model(manifest)
    problems = []
    for model in _models(manifest):
        tests = tests_by_model.get(model["unique_id"], [])
        key = primary_key(model, tests)
        if key is None:
            problems.append(
                f"{model['name']}: no primary key (no column tested unique and not_null, no "
                "unique_combination_of_columns test, no meta.primary_key)"
            )
            continue
        unique, not_null = _tested_columns(model, tests)
        is_unique = (len(key) == 1 and key[0] in unique) or any(
            sorted(combination) == sorted(key) for combination in _combinations(tests)
        )
        if not is_unique:
            problems.append(f"{model['name']}: primary key {key} is not tested unique")
        missing = [column for column in key if len(key) == 1 and column not in not_null]
        if missing:
            problems.append(f"{model['name']}: primary key columns {missing} not tested not_null")
    return problems


def sources_without_freshness(manifest: dict) -> list[str]:
    problems = []
    for source in manifest["sources"].values():
        if source["package_name"] != PACKAGE:
            continue
        freshness = source.get("freshness") or (source.get("config") or {}).get("freshness")
        has_freshness = any(
            (freshness or {}).get(level)
            and freshness[level].get("count") is not None
            and freshness[level].get("period") is not None
            for level in ("warn_after", "error_after")
        )
        meta = {**(source.get("meta") or {}), **((source.get("config") or {}).get("meta") or {})}
        if not has_freshness and not meta.get("freshness_exempt_reason"):
            problems.append(
                f"source {source['source_name']}.{source['name']}: no freshness and no "
                "meta.freshness_exempt_reason"
            )
    return problems


def sources_outside_staging(manifest: dict) -> list[str]:
    return [
        f"{model['name']} ({model['original_file_path']}) reads source(s) "
        f"{sorted(model['sources'])}; only staging models may"
        for model in _models(manifest)
        if model.get("sources") and not model["original_file_path"].startswith("models/staging/")
    ]


def macros_calling_ref_or_source(manifest: dict) -> list[str]:
    problems = []
    for macro in manifest["macros"].values():
        if macro["package_name"] != PACKAGE:
            continue
        code = STRING_LITERAL.sub("''", JINJA_COMMENT.sub("", macro["macro_sql"]))
        called = sorted({match.group(1) for match in REF_OR_SOURCE.finditer(code)})
        if called:
            problems.append(
                f"macro {macro['name']} ({macro['original_file_path']}) calls "
                f"{' and '.join(c + '()' for c in called)}; move the query into a model"
            )
    return problems


def public_models_without_enforced_contract(manifest: dict) -> list[str]:
    public = [model for model in _models(manifest) if model.get("access") == "public"]
    if not public:
        return ["no model is access: public (the marts BI reads must be public and contracted)"]
    return [
        f"{model['name']} is access: public but its contract is not enforced"
        for model in public
        if not ((model.get("config") or {}).get("contract") or {}).get("enforced")
    ]


PUBLIC_PREFIX = "models/public/"
PRIVACY_TEST = "holds_no_raw_identifiers"


def public_layer_violations(manifest: dict) -> list[str]:
    tests_by_model = _tests_by_model(manifest)
    problems = []
    for model in _models(manifest):
        name, where = model["name"], model["original_file_path"]
        in_public = where.startswith(PUBLIC_PREFIX)
        if not in_public:
            if model.get("access") == "public":
                problems.append(f"{name} ({where}) is access: public outside models/public")
            continue
        if model.get("access") != "public":
            problems.append(f"{name}: models/public holds only access: public models")
        if not model.get("group"):
            problems.append(f"{name}: a public model belongs to a group (with an owner)")
        if not ((model.get("config") or {}).get("contract") or {}).get("enforced"):
            problems.append(f"{name}: a public model has an enforced contract")
        undescribed = [
            column
            for column, properties in model.get("columns", {}).items()
            if not (properties.get("description") or "").strip()
        ]
        if undescribed or not model.get("columns"):
            problems.append(f"{name}: columns without a description: {undescribed or 'all'}")
        tests = tests_by_model.get(model["unique_id"], [])
        if not any(t["test_metadata"]["name"] == PRIVACY_TEST for t in tests):
            problems.append(f"{name}: a public model carries the test {PRIVACY_TEST}")
    return problems


def exposures_reading_non_public_models(manifest: dict) -> list[str]:
    exposures = [
        e for e in (manifest.get("exposures") or {}).values() if e["package_name"] == PACKAGE
    ]
    if not exposures:
        return ["no exposure: declare the dashboards and reports that read the public marts"]
    nodes = manifest["nodes"]
    return [
        f"exposure {exposure['name']} reads {nodes[uid]['name']}, which is not public"
        for exposure in exposures
        for uid in exposure["depends_on"]["nodes"]
        if uid in nodes and nodes[uid].get("access") != "public"
    ]


def identifier_types(manifest: dict) -> list[str]:
    """The kinds of raw identifier customer_identifiers holds (customer_id, email, ...), as
    its accepted_values test on identifier_type declares them; each is also the column
    name that holds it in the restricted models."""
    for node in manifest["nodes"].values():
        metadata = node.get("test_metadata") or {}
        if (
            metadata.get("name") == "accepted_values"
            and node.get("column_name") == "identifier_type"
            and node.get("attached_node") == f"model.{PACKAGE}.customer_identifiers"
        ):
            return list(metadata["kwargs"]["values"])
    return []


def semantic_identifiers(manifest: dict) -> list[str]:
    """Entities and dimensions of the semantic models that are a raw identifier column:
    `mf query --group-by` on one returns the raw values (customer ids, e-mails) to whoever
    queries the metrics, as a BI tool does."""
    raw = set(identifier_types(manifest))
    if not raw:
        return ["customer_identifiers declares no identifier_type values to check against"]
    return [
        f"semantic model {model['name']}: {kind} {item['name']} is {column}"
        for model in (manifest.get("semantic_models") or {}).values()
        if model["package_name"] == PACKAGE
        for kind in ("entities", "dimensions")
        for item in model.get(kind) or []
        for column in [item.get("expr") or item["name"]]
        if column in raw
    ]


def misnamed_models(manifest: dict) -> list[str]:
    problems = []
    for model in _models(manifest):
        name, parts = model["name"], Path(model["original_file_path"]).parts
        where = model["original_file_path"]
        layer = parts[1] if len(parts) > 2 else None
        if layer == "staging":
            source = parts[2] if len(parts) > 3 else None
            in_base = len(parts) == 5 and parts[3] == "base"
            if len(parts) == 4 and re.fullmatch(rf"stg_{source}__[a-z0-9_]+", name):
                continue
            if in_base and re.fullmatch(rf"base_{source}__[a-z0-9_]+", name):
                continue
            problems.append(
                f"{where}: staging models are models/staging/<source>/stg_<source>__<entity> "
                "or models/staging/<source>/base/base_<source>__<entity>"
            )
        elif layer == "intermediate":
            if len(parts) != 4 or not name.startswith("int_"):
                problems.append(
                    f"{where}: intermediate models are models/intermediate/<area>/int_*"
                )
        elif layer == "marts":
            if len(parts) < 4 or re.match(r"(stg|base|int)_", name):
                problems.append(
                    f"{where}: marts are models/marts/<area>/<name>, without a layer prefix"
                )
        elif layer == "public":
            if len(parts) != 3 or not name.startswith("bi_"):
                problems.append(f"{where}: public models are models/public/bi_<mart>")
        else:
            problems.append(
                f"{where}: every model is in models/staging, intermediate, marts or public"
            )
    return problems


def long_sql_lines(project_dir: Path = PROJECT_DIR) -> list[str]:
    problems = []
    for folder in SQL_DIRS:
        for path in sorted((project_dir / folder).rglob("*.sql")):
            for number, line in enumerate(path.read_text().splitlines(), start=1):
                if len(line) > MAX_LINE_LENGTH:
                    where = path.relative_to(project_dir)
                    problems.append(f"{where}:{number}: {len(line)} > {MAX_LINE_LENGTH}")
    return problems


# The run-time vars (customer_scoring.dbt: the run's dates and the input paths, *_path and
# demo_data_dir) are read only when SQL is compiled (macros raw_input,
# as_of_date), never when dbt parses: the project is parsed once for runs that differ in
# them (the tests: conftest.parsed_project; the nightly and backfill runs: dbt's partial
# parsing stays valid from one date to the next). Parse time renders dbt_project.yml, the
# YAML properties files (a test's `where` included: a test filtered by the as-of date
# reads it in its SQL, relationships_as_of) and the config() of each model.
# (loaded_at_query, which calls the reader, is kept unrendered until freshness runs.)
RUN_TIME_VAR = re.compile(
    r"""var\(\s*['"](\w*"""
    + re.escape(dbt.INPUT_PATH_SUFFIX)
    + "|"
    + "|".join(map(re.escape, dbt.RUN_TIME_VARS + dbt.INPUT_PATH_VARS))
    + r""")['"]|['"]_path['"]"""
)
CONFIG_CALL = re.compile(r"config\((.*?)\)\s*(}}|$)", re.DOTALL | re.MULTILINE)


def run_time_vars_read_at_parse_time(project_dir: Path = PROJECT_DIR) -> list[str]:
    problems = []
    for path in sorted(
        [project_dir / "dbt_project.yml", *(project_dir / "models").rglob("*.yml")]
        + sorted((project_dir / "seeds").rglob("*.yml"))
        + sorted((project_dir / "tests").rglob("*.yml"))
    ):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if RUN_TIME_VAR.search(line):
                problems.append(f"{path.relative_to(project_dir)}:{number}: {line.strip()}")
    for path in sorted((project_dir / "models").rglob("*.sql")) + sorted(
        (project_dir / "models").rglob("*.py")
    ):
        for call in CONFIG_CALL.finditer(path.read_text()):
            if RUN_TIME_VAR.search(call.group(1)):
                problems.append(f"{path.relative_to(project_dir)}: config() reads a run-time var")
    return problems


# --- the project follows them ------------------------------------------------------------


def test_every_model_has_a_primary_key_tested_unique_and_not_null(manifest):
    assert models_without_a_tested_primary_key(manifest) == []


def test_every_source_has_freshness_or_says_why_not(manifest):
    assert sources_without_freshness(manifest) == []


def test_only_staging_models_read_sources(manifest):
    assert sources_outside_staging(manifest) == []


def test_no_macro_calls_ref_or_source(manifest):
    assert macros_calling_ref_or_source(manifest) == []


def test_public_marts_have_enforced_contracts(manifest):
    assert public_models_without_enforced_contract(manifest) == []


def test_the_public_layer_is_public_contracted_described_and_privacy_tested(manifest):
    assert public_layer_violations(manifest) == []


def test_exposures_read_public_marts_only(manifest):
    assert exposures_reading_non_public_models(manifest) == []


def test_no_semantic_model_groups_by_a_raw_identifier(manifest):
    assert semantic_identifiers(manifest) == []


def test_the_docs_site_shows_the_scoring_definitions_beside_the_public_columns(manifest):
    # dbt renders {{ doc('...') }} into the column descriptions the docs site shows
    docs = {d["name"]: d["block_contents"] for d in manifest["docs"].values()}
    scores = manifest["nodes"][f"model.{PACKAGE}.bi_customer_scores"]["columns"]
    assert scores["r_score"]["description"] == docs["rfm_scores"]
    assert scores["customer_key"]["description"] == docs["customer_key"]
    assert "WAREHOUSE_HASH_SALT" in docs["customer_key"]


def test_models_are_named_after_their_layer_and_folder(manifest):
    assert misnamed_models(manifest) == []


def test_sql_lines_fit_the_line_limit():
    assert long_sql_lines() == []


def test_run_time_vars_are_read_when_sql_is_compiled_not_when_parsed():
    assert run_time_vars_read_at_parse_time() == []


# what dbt records of a parse apart from what the project says (times, ids, paths)
PARSE_RECORD = {"created_at", "root_path", "build_path"}


def parsed_nodes(vars: dict, target: Path) -> dict:
    """Every node, source, exposure, metric, semantic model and unit test of the project
    as dbt parses it with ``vars`` (a full parse into ``target``)."""
    run = dbt.invoke(
        ["parse", "--no-partial-parse", "--project-dir", str(PROJECT_DIR)]
        + ["--profiles-dir", str(PROJECT_DIR), "--target-path", str(target)]
        + ["--log-path", str(target)],
        vars,
        env={"WAREHOUSE_PATH": str(target / "warehouse.duckdb"), "WAREHOUSE_AS_OF_DATE": None},
        cwd=PROJECT_DIR,
    )
    assert run.success, run.messages
    manifest = json.loads((target / "manifest.json").read_text())
    kinds = ("nodes", "sources", "exposures", "metrics", "semantic_models", "unit_tests")
    return {
        unique_id: {key: value for key, value in node.items() if key not in PARSE_RECORD}
        for kind in kinds
        for unique_id, node in manifest[kind].items()
    }


@pytest.mark.slow
def test_the_run_time_vars_change_nothing_dbt_parses(tmp_path):
    """The definitive check behind the rule above, which reads the text: the project
    parsed with a run's dates and input paths and parsed with parse_time_vars() (the
    nightly run's and the tests' parse) is the same project, node for node. A config()
    that calls a macro reading the as-of date (as incremental_predicates once did) makes
    the two differ."""
    run_vars = {
        "as_of_date": "2025-03-14",
        "load_date": "2025-03-15",
        "transactions_path": "somewhere/orders.csv",
    }
    full = parsed_nodes(run_vars, tmp_path / "full")
    parse_time = parsed_nodes(dbt.parse_time_vars(run_vars), tmp_path / "parse-time")
    assert full.keys() == parse_time.keys()
    differing = [
        f"{unique_id}: {key}"
        for unique_id, node in full.items()
        for key in node
        if node[key] != parse_time[unique_id].get(key)
    ]
    assert differing == []


# --- each rule can fail ------------------------------------------------------------------


def _model(name: str, path: str, **extra) -> dict:
    return {
        "resource_type": "model",
        "package_name": PACKAGE,
        "unique_id": f"model.{PACKAGE}.{name}",
        "name": name,
        "original_file_path": path,
        "columns": {},
        "meta": {},
        "config": {"meta": {}, "contract": {"enforced": False}},
        "access": "protected",
        "sources": [],
        **extra,
    }


def _test(kind: str, model: str, column: str | None = None, where: str | None = None, **kw):
    return {
        "resource_type": "test",
        "package_name": PACKAGE,
        "unique_id": f"test.{PACKAGE}.{kind}_{model}_{column}",
        "attached_node": f"model.{PACKAGE}.{model}",
        "column_name": column,
        "config": {"where": where},
        "test_metadata": {"name": kind, "kwargs": {"column_name": column, **kw}},
    }


def _manifest(*nodes: dict, sources=(), macros=()) -> dict:
    return {
        "nodes": {node["unique_id"]: node for node in nodes},
        "sources": {source["unique_id"]: source for source in sources},
        "macros": {macro["unique_id"]: macro for macro in macros},
    }


def _source(name: str, freshness: dict | None, meta: dict | None = None) -> dict:
    return {
        "unique_id": f"source.{PACKAGE}.shop.{name}",
        "package_name": PACKAGE,
        "source_name": "shop",
        "name": name,
        "freshness": freshness,
        "meta": meta or {},
        "config": {"meta": meta or {}},
    }


def test_the_primary_key_rule_fails_on_an_untested_or_half_tested_key(manifest):
    path = "models/marts/core/fct_things.sql"
    columns = {"thing_id": {"constraints": []}}
    untested = _manifest(_model("fct_things", path, columns=columns))
    unique_only = _manifest(
        _model("fct_things", path, columns=columns), _test("unique", "fct_things", "thing_id")
    )
    filtered = _manifest(
        _model("fct_things", path, columns=columns),
        _test("unique", "fct_things", "thing_id"),
        _test("not_null", "fct_things", "thing_id", where="thing_id > 0"),
    )
    declared = _manifest(
        _model("fct_things", path, columns=columns, meta={"primary_key": ["a", "b"]}),
        _test("unique_combination_of_columns", "fct_things", combination_of_columns=["a", "c"]),
    )
    good = _manifest(
        _model("fct_things", path, columns=columns),
        _test("unique", "fct_things", "thing_id"),
        _test("not_null", "fct_things", "thing_id"),
    )
    combination = _manifest(
        _model("fct_things", path),
        _test("unique_combination_of_columns", "fct_things", combination_of_columns=["a", "b"]),
    )
    assert "no primary key" in models_without_a_tested_primary_key(untested)[0]
    assert "not tested not_null" in models_without_a_tested_primary_key(unique_only)[0]
    assert "not tested not_null" in models_without_a_tested_primary_key(filtered)[0]
    assert "not tested unique" in models_without_a_tested_primary_key(declared)[0]
    assert models_without_a_tested_primary_key(good) == []
    assert models_without_a_tested_primary_key(combination) == []
    # and on the real manifest: drop every test of one model
    doctored = copy.deepcopy(manifest)
    victim = f"model.{PACKAGE}.dim_customers"
    doctored["nodes"] = {
        key: node for key, node in doctored["nodes"].items() if node.get("attached_node") != victim
    }
    assert any(
        p.startswith("dim_customers:") for p in models_without_a_tested_primary_key(doctored)
    )


def test_the_freshness_rule_fails_on_a_source_without_it():
    every_day = {"warn_after": {"count": 1, "period": "day"}, "error_after": {}}
    unset = {"warn_after": {"count": None, "period": None}, "error_after": None}
    doctored = _manifest(
        sources=[
            _source("fresh", every_day),
            _source("stale", unset),
            _source("none", None),
            _source("exempt", None, {"freshness_exempt_reason": "a catalogue, not an event log"}),
        ]
    )
    assert sources_without_freshness(doctored) == [
        "source shop.stale: no freshness and no meta.freshness_exempt_reason",
        "source shop.none: no freshness and no meta.freshness_exempt_reason",
    ]


def test_the_source_rule_fails_on_a_mart_reading_a_source():
    doctored = _manifest(
        _model(
            "stg_shop__things", "models/staging/shop/stg_shop__things.sql", sources=[["shop", "t"]]
        ),
        _model("fct_things", "models/marts/core/fct_things.sql", sources=[["shop", "t"]]),
    )
    problems = sources_outside_staging(doctored)
    assert len(problems) == 1 and problems[0].startswith("fct_things")


def test_the_macro_rule_fails_on_a_ref_or_source_in_a_macro():
    def macro(name: str, sql: str) -> dict:
        return {
            "unique_id": f"macro.{PACKAGE}.{name}",
            "package_name": PACKAGE,
            "name": name,
            "original_file_path": "macros/x.sql",
            "macro_sql": sql,
        }

    doctored = _manifest(
        macros=[
            macro(
                "reads", "{% macro reads() %}select * from {{ ref('fct_orders') }}{% endmacro %}"
            ),
            macro("raw", "{% macro raw() %}{{ source ('shop', 'orders') }}{% endmacro %}"),
            macro(
                "talks", "{% macro talks() %}{#- not ref('x') -#}{{ preferred() }}{% endmacro %}"
            ),
            macro("names", """{% macro names() %}{{ "ref('x')" | length }}{% endmacro %}"""),
        ]
    )
    assert [p.split(" (")[0] for p in macros_calling_ref_or_source(doctored)] == [
        "macro reads",
        "macro raw",
    ]


def test_the_contract_rule_fails_on_an_uncontracted_public_mart_and_on_none_public():
    path = "models/marts/core/fct_things.sql"
    uncontracted = _manifest(_model("fct_things", path, access="public"))
    contracted = _model("fct_things", path, access="public")
    contracted["config"]["contract"] = {"enforced": True}
    assert public_models_without_enforced_contract(uncontracted) == [
        "fct_things is access: public but its contract is not enforced"
    ]
    assert public_models_without_enforced_contract(_manifest(contracted)) == []
    assert (
        "no model is access: public"
        in public_models_without_enforced_contract(_manifest(_model("fct_things", path)))[0]
    )


def test_the_public_layer_rule_fails_on_each_kind_of_breach(manifest):
    def public(name: str, **extra) -> dict:
        model = _model(
            name, f"models/public/{name}.sql", **{"access": "public", "group": "bi", **extra}
        )
        model["config"]["contract"] = {"enforced": True}
        model["columns"] = {"customer_key": {"description": "the key"}}
        return model

    def privacy(name: str) -> dict:
        return _test(PRIVACY_TEST, name, identifiers="ref('customer_identifiers')")

    good = public("bi_good")
    private = public("bi_protected", access="protected")
    ungrouped = public("bi_ungrouped", group=None)
    uncontracted = public("bi_uncontracted")
    uncontracted["config"]["contract"] = {"enforced": False}
    undescribed = public("bi_undescribed")
    undescribed["columns"]["segment"] = {"description": " "}
    untested = public("bi_untested")
    outside = _model("fct_things", "models/marts/core/fct_things.sql", access="public")
    models = [good, private, ungrouped, uncontracted, undescribed, untested, outside]
    tests = [privacy(m["name"]) for m in models if m is not untested]
    assert public_layer_violations(_manifest(*models, *tests)) == [
        "bi_protected: models/public holds only access: public models",
        "bi_ungrouped: a public model belongs to a group (with an owner)",
        "bi_uncontracted: a public model has an enforced contract",
        "bi_undescribed: columns without a description: ['segment']",
        f"bi_untested: a public model carries the test {PRIVACY_TEST}",
        "fct_things (models/marts/core/fct_things.sql) is access: public outside models/public",
    ]
    assert public_layer_violations(_manifest(good, privacy("bi_good"))) == []
    # and on the real manifest: drop the privacy test of one public model
    doctored = copy.deepcopy(manifest)
    victim = f"model.{PACKAGE}.bi_customer_scores"
    doctored["nodes"] = {
        key: node
        for key, node in doctored["nodes"].items()
        if not (
            node.get("attached_node") == victim
            and (node.get("test_metadata") or {}).get("name") == PRIVACY_TEST
        )
    }
    assert public_layer_violations(doctored) == [
        f"bi_customer_scores: a public model carries the test {PRIVACY_TEST}"
    ]


def test_the_exposure_rule_fails_on_a_restricted_mart_or_none():
    public = _model("bi_things", "models/public/bi_things.sql", access="public")
    restricted = _model("fct_things", "models/marts/core/fct_things.sql")

    def exposure(name: str, *models: dict) -> dict:
        return {
            "unique_id": f"exposure.{PACKAGE}.{name}",
            "package_name": PACKAGE,
            "name": name,
            "depends_on": {"nodes": [m["unique_id"] for m in models]},
        }

    doctored = _manifest(public, restricted)
    assert "no exposure" in exposures_reading_non_public_models(doctored)[0]
    doctored["exposures"] = {
        e["unique_id"]: e for e in (exposure("good", public), exposure("leaky", public, restricted))
    }
    assert exposures_reading_non_public_models(doctored) == [
        "exposure leaky reads fct_things, which is not public"
    ]


def test_the_semantic_identifier_rule_fails_on_a_customer_id_entity(manifest):
    doctored = copy.deepcopy(manifest)
    orders = next(m for m in doctored["semantic_models"].values() if m["name"] == "orders")
    orders["entities"].append({"name": "customer", "type": "foreign", "expr": "customer_id"})
    orders["dimensions"].append({"name": "email", "type": "categorical", "expr": None})
    assert semantic_identifiers(doctored) == [
        "semantic model orders: entities customer is customer_id",
        "semantic model orders: dimensions email is email",
    ]


def test_the_naming_rule_fails_on_misplaced_or_misnamed_models():
    doctored = _manifest(
        _model("stg_shop__orders", "models/staging/shop/stg_shop__orders.sql"),
        _model("base_shop__orders", "models/staging/shop/base/base_shop__orders.sql"),
        _model("int_orders_netted", "models/intermediate/orders/int_orders_netted.sql"),
        _model("fct_orders", "models/marts/core/fct_orders.sql"),
        _model("stg_crm__orders", "models/staging/shop/stg_crm__orders.sql"),
        _model("base_shop__lines", "models/staging/shop/base_shop__lines.sql"),
        _model("orders_netted", "models/intermediate/orders/orders_netted.sql"),
        _model("int_orders", "models/marts/core/int_orders.sql"),
        _model("orders", "models/orders.sql"),
        _model("bi_orders", "models/public/bi_orders.sql"),
        _model("orders_for_bi", "models/public/orders_for_bi.sql"),
    )
    assert [p.split(":")[0] for p in misnamed_models(doctored)] == [
        "models/staging/shop/stg_crm__orders.sql",
        "models/staging/shop/base_shop__lines.sql",
        "models/intermediate/orders/orders_netted.sql",
        "models/marts/core/int_orders.sql",
        "models/orders.sql",
        "models/public/orders_for_bi.sql",
    ]


def test_the_line_limit_rule_fails_on_a_long_line(tmp_path):
    (tmp_path / "macros").mkdir()
    (tmp_path / "macros" / "long.sql").write_text("select 1\n-- " + "x" * 118 + "\n")
    assert long_sql_lines(tmp_path) == ["macros/long.sql:2: 121 > 120"]


def test_the_parse_time_rule_fails_on_a_run_time_var_in_yaml_or_config(tmp_path):
    (tmp_path / "models" / "staging").mkdir(parents=True)
    (tmp_path / "dbt_project.yml").write_text("vars:\n  transactions_path: null\n")
    (tmp_path / "models" / "staging" / "_sources.yml").write_text(
        "sources:\n  - name: shop\n    meta: {file: \"{{ var('transactions_path') }}\"}\n"
    )
    (tmp_path / "models" / "staging" / "stg_orders.sql").write_text(
        "{{ config(enabled=var('customers_path') is not none) }}\nselect 1\n"
    )
    (tmp_path / "models" / "staging" / "stg_other.sql").write_text(
        "{{ config(materialized='table') }}\nselect '{{ var(\"web_events_path\") }}'\n"
    )
    (tmp_path / "models" / "staging" / "_models.yml").write_text(
        "models:\n  - name: stg_orders\n    data_tests:\n      - x:\n"
        "          config: {where: 'd <= cast(''{{ var(\"as_of_date\") }}'' as date)'}\n"
        "      - relationships_as_of: {arguments: {date_column: d}}\n"
    )
    assert run_time_vars_read_at_parse_time(tmp_path) == [
        "models/staging/_models.yml:5: config: {where: 'd <= cast(''{{ var(\"as_of_date\") }}''"
        " as date)'}",
        "models/staging/_sources.yml:3: meta: {file: \"{{ var('transactions_path') }}\"}",
        "models/staging/stg_orders.sql: config() reads a run-time var",
    ]
