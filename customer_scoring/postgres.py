"""Load the raw input files into PostgreSQL, where dbt reads them as sources.

DuckDB reads the files where they lie; PostgreSQL needs them in tables first: one schema
per source (shop, crm, ...) and one table per input, named as in models/staging/*/
_*__sources.yml. Each table is replaced, its columns typed from the Parquet schema (CSV
files are loaded as text: staging casts them, as on DuckDB), and the rows streamed with
COPY in batches. Connection settings are the postgres target's (profiles.yml):
WAREHOUSE_PG_HOST, _PORT, _USER, _PASSWORD, _DATABASE. Needs psycopg2, which comes with
dbt-postgres.
"""

from __future__ import annotations

import csv
import io
import os
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from customer_scoring import contract

# input -> source (schema), from the input contract (models/staging/*/_*__sources.yml)
SOURCES = {name: spec.source for name, spec in contract.inputs().items()}
BATCH_ROWS = 500_000


def connect():
    import psycopg2

    return psycopg2.connect(
        host=os.environ.get("WAREHOUSE_PG_HOST", "127.0.0.1"),
        port=int(os.environ.get("WAREHOUSE_PG_PORT", "5432")),
        user=os.environ.get("WAREHOUSE_PG_USER", "postgres"),
        password=os.environ.get("WAREHOUSE_PG_PASSWORD", ""),
        dbname=os.environ.get("WAREHOUSE_PG_DATABASE", "warehouse"),
    )


def postgres_type(arrow_type: pa.DataType) -> str:
    if pa.types.is_boolean(arrow_type):
        return "boolean"
    if pa.types.is_integer(arrow_type):
        return "bigint"
    if pa.types.is_floating(arrow_type):
        return "double precision"
    if pa.types.is_decimal(arrow_type):
        return f"numeric({arrow_type.precision}, {arrow_type.scale})"
    if pa.types.is_timestamp(arrow_type):
        return "timestamptz" if arrow_type.tz else "timestamp"
    if pa.types.is_date(arrow_type):
        return "date"
    return "text"


def _batches(path: Path, file_types: tuple[str, ...] = ("parquet", "csv")):
    """(schema, record batches) of a Parquet or delimited text file (the contract's file
    types, decided as the DuckDB reader decides: contract.is_text_file); text columns stay
    text, as on DuckDB: staging casts them."""
    if not contract.is_text_file(path, file_types):
        handle = pq.ParquetFile(path)
        return handle.schema_arrow, handle.iter_batches(batch_size=BATCH_ROWS)
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    with path.open(newline="") as handle:
        names = next(csv.reader(handle, delimiter=delimiter))
    text = pacsv.ConvertOptions(column_types={name: pa.string() for name in names})
    table = pacsv.read_csv(
        path, parse_options=pacsv.ParseOptions(delimiter=delimiter), convert_options=text
    )
    return table.schema, table.to_batches(max_chunksize=BATCH_ROWS)


def load_file(cursor, schema: str, table: str, path: Path) -> int:
    """Replace table schema.table with the rows of the file; returns the rows loaded.
    Raises ValueError when the file lacks a column the input's contract requires."""
    spec = contract.inputs().get(table)
    arrow_schema, batches = _batches(path, spec.file_types if spec else ("parquet", "csv"))
    found = {name.lower() for name in arrow_schema.names}
    missing = [name for name in (spec.required if spec else []) if name not in found]
    if missing:
        raise ValueError(
            f"The {spec.label} {path} has no column {', '.join(missing)}. "
            f"Columns found: {', '.join(arrow_schema.names)}. Required: {', '.join(spec.required)}."
        )
    columns = ", ".join(f'"{field.name}" {postgres_type(field.type)}' for field in arrow_schema)
    cursor.execute(f'create schema if not exists "{schema}"')
    cursor.execute(f'drop table if exists "{schema}"."{table}"')
    cursor.execute(f'create table "{schema}"."{table}" ({columns})')
    rows = 0
    for batch in batches:
        buffer = io.BytesIO()
        pacsv.write_csv(pa.Table.from_batches([batch], schema=arrow_schema), buffer)
        buffer.seek(0)
        cursor.copy_expert(
            f'copy "{schema}"."{table}" from stdin with (format csv, header true)', buffer
        )
        rows += batch.num_rows
    # planner statistics now, not when autovacuum gets round to it
    cursor.execute(f'analyze "{schema}"."{table}"')
    return rows


def input_paths(data_dir: Path, given: dict[str, str | None]) -> dict[str, Path | None]:
    """The file of each input, as on DuckDB (macro raw_input_path, contract.input_paths):
    the path given, else the demo file; with your own transactions, only the inputs whose
    path you give."""
    paths = {f"{name}_path": path for name, path in given.items() if path}
    return contract.input_paths(paths, data_dir)


def load(data_dir: Path, given: dict[str, str | None] | None = None) -> dict[str, int]:
    """Load every input that has a file and return the rows loaded per input. The table of
    an input without a file is dropped, so a run reads exactly the files given."""
    loaded: dict[str, int] = {}
    with connect() as connection, connection.cursor() as cursor:
        for name, path in input_paths(data_dir, given or {}).items():
            schema = SOURCES[name]
            if path is not None and not path.exists() and (given or {}).get(name):
                raise FileNotFoundError(f"{name}_path: no file at {path}")
            if path is None or not path.exists():
                cursor.execute(f'drop table if exists "{schema}"."{name}"')
                continue
            started = time.perf_counter()
            loaded[name] = load_file(cursor, schema, name, path)
            print(
                f"  {schema + '.' + name:<30}{loaded[name]:>12,} rows "
                f"({time.perf_counter() - started:.1f} s)",
                flush=True,
            )
    return loaded
