"""The hub's migrations build its tables from frozen SQL (SQLite and PostgreSQL), so every model must match what
they build: a column added to a model without its migration shows here, not only on a fresh install."""
from __future__ import annotations

import importlib
import pkgutil

import peewee
import pytest


def _table_models() -> set[type[peewee.Model]]:
    import district
    from district.db import database

    for info in pkgutil.walk_packages(district.__path__, "district."):
        if not info.name.endswith("__main__"):
            importlib.import_module(info.name)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    return {m for m in subclasses(peewee.Model)
            if m._meta.database is database and m.__module__.startswith("district.") and not m.__subclasses__()}


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_every_model_matches_the_schema_the_migrations_build(backend, tmp_path, request):
    from district.db import migrate, open_database

    url = request.getfixturevalue("pg_url") if backend == "postgres" else ""
    db = open_database(url, tmp_path / "district.sqlite3")
    if backend == "postgres":  # a fresh database: nothing left from other tests
        db.execute_sql("DROP SCHEMA public CASCADE")
        db.execute_sql("CREATE SCHEMA public")
    migrate(db)
    models = _table_models()
    assert len(models) >= 10
    for model in models:
        table = model._meta.table_name
        columns = {c.name for c in db.get_columns(table)}
        fields = {f.column_name for f in model._meta.sorted_fields}
        assert fields == columns, f"{table}: model {sorted(fields - columns)} vs table {sorted(columns - fields)}"
