"""Audience exports for activation: one CSV and one Parquet file per audience.

    python -m customer_scoring export-audiences --out data/exports [--as-of 2026-11-24]

Reads the DuckDB warehouse (WAREHOUSE_PATH, read-only) after a build: the members of each
audience (audience_members) of the as-of date (the latest of the history by default)
that are not in its control group, with the address of the audience's channel (e-mail;
phone for sms and phone; postal address for post) from stg_crm__customer_contacts, the
only model that reads addresses (a view over the customers file: run the export from the
directory the build ran in, so the file's path resolves). Every exported customer
consents to the channel: the consent is checked again here against int_customer_consents,
and members without an address are left out (counted in the result).

The files keep the customer id: they go to the activation tool (CRM, e-mail or SMS
platform), which knows the customers by it; the public marts for BI carry no such id.
Files: <out>/<as-of date>/<audience>.csv and .parquet, replaced on every export.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

ADDRESS_COLUMNS = {"email": "email", "sms": "phone", "phone": "phone", "post": "postal_address"}


@dataclass(frozen=True)
class AudienceExport:
    """What one audience's export holds: rows written, and members left out for want of
    an address."""

    audience: str
    channel: str
    rows: int
    without_address: int
    csv_path: Path
    parquet_path: Path


def _sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def export_audiences(
    out_dir: Path | str, as_of: dt.date | None = None, database: str | None = None
) -> list[AudienceExport]:
    """Write the export files of every audience of ``as_of`` (default: the latest as-of
    date of audience_members) under ``out_dir``/<as-of date>/; returns one AudienceExport
    per audience. Raises LookupError when the warehouse has no audience members for it."""
    import duckdb

    database = database or os.environ.get("WAREHOUSE_PATH", "data/warehouse.duckdb")
    with duckdb.connect(database, read_only=True) as con:
        if as_of is None:
            ((as_of,),) = con.sql("select max(as_of_date) from audience_members").fetchall()
        if as_of is None:
            raise LookupError(f"no audience members in {database}: build the warehouse first")
        audiences = con.sql("select audience, channel from audiences order by audience").fetchall()
        folder = Path(out_dir) / as_of.isoformat()
        folder.mkdir(parents=True, exist_ok=True)
        exports = []
        for audience, channel in audiences:
            address = ADDRESS_COLUMNS[channel]
            members = f"""
                select
                    members.customer_id,
                    contacts.{address} as {address}
                from audience_members as members
                inner join int_customer_consents as consents
                    on
                        members.customer_id = consents.customer_id
                        and consents.channel = members.channel
                        and consents.has_consent
                left join stg_crm__customer_contacts as contacts
                    on members.customer_id = contacts.customer_id
                where
                    members.audience = {_sql_string(audience)}
                    and members.as_of_date = date '{as_of.isoformat()}'
                    and not members.is_control
            """
            exported = f"select * from ({members}) where {address} is not null order by customer_id"
            ((rows, without),) = con.sql(
                f"select count({address}), count(*) - count({address}) from ({members})"
            ).fetchall()
            csv_path = folder / f"{audience}.csv"
            parquet_path = folder / f"{audience}.parquet"
            con.sql(f"copy ({exported}) to {_sql_string(str(csv_path))} (header, delimiter ',')")
            con.sql(f"copy ({exported}) to {_sql_string(str(parquet_path))} (format parquet)")
            exports.append(AudienceExport(audience, channel, rows, without, csv_path, parquet_path))
    return exports
