"""Glue for the customer scoring warehouse: demo data generation and commands.

The scoring logic itself lives in SQL (``models/``); this package only prepares inputs
and drives dbt.
"""
