"""DuckDB beside the engine: the same `statements("duckdb")` on a copy of the source tables, for the
benchmark (bench/steering.py, on Parquet exports) and the engine's smoke test (on the test database).
duckdb is not a dependency of Verband (the `bench` extra): it is imported only when called."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.apps import apps
from django.db import models

from verband.steering import engine

_TYPES = {
    "AutoField": "BIGINT",
    "BigAutoField": "BIGINT",
    "IntegerField": "BIGINT",
    "BigIntegerField": "BIGINT",
    "PositiveIntegerField": "BIGINT",
    "PositiveSmallIntegerField": "BIGINT",
    "SmallIntegerField": "BIGINT",
    "ForeignKey": "BIGINT",
    "OneToOneField": "BIGINT",
    "BooleanField": "BOOLEAN",
    "DateField": "DATE",
    "DateTimeField": "TIMESTAMPTZ",
    "FloatField": "DOUBLE",
    "JSONField": "JSON",
}


def source_models() -> list[type[models.Model]]:
    """The models whose tables the engine reads (and writes: the calendar and the store)."""
    return [apps.get_model(label) for label in engine.MODELS.values()]


def _columns(model: type[models.Model]) -> list[tuple[str, str]]:
    found = []
    for f in model._meta.concrete_fields:
        if model._meta.db_table == "steering_indicatorvalue" and f.primary_key:
            continue  # the store's id is not written by the SQL
        found.append((f.column, _TYPES.get(f.get_internal_type(), "VARCHAR")))
    return found


def create_tables(con: Any) -> None:
    """Empty tables in DuckDB with the Django tables' names and columns."""
    con.execute("SET TimeZone = 'UTC'")
    for model in source_models():
        cols = ", ".join(f'"{name}" {kind}' for name, kind in _columns(model))
        con.execute(f'CREATE OR REPLACE TABLE "{model._meta.db_table}" ({cols})')


def copy_from_django(con: Any) -> None:
    """Copy the rows of the engine's source tables (and calendar) from Django's database into DuckDB."""
    create_tables(con)
    for model in source_models():
        if model._meta.db_table == "steering_indicatorvalue":
            continue
        columns = _columns(model)
        attnames = [f.attname for f in model._meta.concrete_fields if f.column in {c for c, _k in columns}]
        rows = []
        for row in model._default_manager.values_list(*attnames):
            rows.append(
                tuple(
                    json.dumps(v) if kind == "JSON" else v for v, (_c, kind) in zip(row, columns, strict=True)
                )
            )
        if rows:
            marks = ", ".join("?" for _ in columns)
            con.executemany(f'INSERT INTO "{model._meta.db_table}" VALUES ({marks})', rows)  # noqa: S608


def run(con: Any, today: date, threshold: int) -> None:
    """The engine's statements, as they are, in DuckDB."""
    for statement in engine.statements("duckdb", today=today, threshold=threshold):
        con.execute(statement)
