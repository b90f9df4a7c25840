"""Configuration validation, SQLite settings and migrations that keep data across upgrades."""
import sqlite3

import pytest

from edge_server import create_app
from edge_server.config import ConfigError, load_config
from edge_server.db import MIGRATIONS, migrate, migration, open_database, schema_version


def test_defaults_need_no_file(tmp_path):
    cfg = load_config(None, env={}, data_dir=str(tmp_path))
    assert cfg.port == 8080 and cfg.timezone == "Asia/Jakarta" and cfg.language == "id"


def test_toml_then_environment_then_flags(tmp_path):
    path = tmp_path / "edge.toml"
    path.write_text('village_code = "3317092016"\nport = 9000\n[edge]\ntimezone = "Asia/Makassar"\n')
    cfg = load_config(path, env={"ANJUNGAN_PORT": "9100"}, data_dir=str(tmp_path))
    assert cfg.port == 9100 and cfg.timezone == "Asia/Makassar" and cfg.village_code == "3317092016"
    assert load_config(path, env={"ANJUNGAN_PORT": "9100"}, port=9200).port == 9200


@pytest.mark.parametrize("text,key", [
    ("port = 'x'", "port"), ("port = 70000", "port"), ("timezone = 'Mars/Base'", "timezone"),
    ("language = 'fr'", "language"), ("village_code = '12.34'", "village_code"), ("colour = 'red'", "colour"),
    ("district_url = 'http://hub'", "district_secret"), ("threads = 0", "threads"),
])
def test_bad_values_name_the_key(tmp_path, text, key):
    path = tmp_path / "edge.toml"
    path.write_text(text + "\n")
    with pytest.raises(ConfigError) as exc:
        load_config(path, env={})
    assert f"'{key}'" in str(exc.value)


def test_broken_toml_and_missing_file_are_clear(tmp_path):
    path = tmp_path / "edge.toml"
    path.write_text("port = \n")
    with pytest.raises(ConfigError, match="edge.toml"):
        load_config(path, env={})
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "nope.toml", env={})


def test_cli_reports_a_bad_key_and_exits_2(tmp_path, capsys):
    from edge_server.__main__ import main

    path = tmp_path / "edge.toml"
    path.write_text("port = 'eighty'\n")
    assert main(["serve", "--config", str(path), "--data-dir", str(tmp_path)]) == 2
    assert "'port'" in capsys.readouterr().err


def test_database_is_wal_with_foreign_keys(tmp_path):
    db = open_database(tmp_path / "x.sqlite3")
    migrate(db)
    assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    db.close()


def test_upgrade_runs_new_migrations_and_keeps_data(tmp_path, clock):
    """GIVEN a database made by this version with a ticket WHEN a newer version adds a migration THEN the
    migration runs once, the version moves on and the ticket is still there."""
    cfg = load_config(None, env={}, data_dir=str(tmp_path))
    app = create_app(cfg, clock=clock)
    from edge_server.demo import seed_demo
    from edge_server.queue.service import issue_ticket

    with app.app_context():
        seed_demo(cfg, clock, "http://x")
        issue_ticket("A", clock=clock)
    db = open_database(cfg.database_path)
    before = schema_version(db)
    assert before >= 1
    runs = []

    @migration(999, "test: a column added by a newer version")
    def _add(db_):
        from peewee import CharField
        from playhouse.migrate import SqliteMigrator
        from playhouse.migrate import migrate as run

        runs.append(1)
        run(SqliteMigrator(db_).add_column("ticket", "note", CharField(default="")))

    try:
        assert migrate(db) == 999
        assert migrate(db) == 999  # second start: nothing to do
    finally:
        MIGRATIONS[:] = [m for m in MIGRATIONS if m[0] != 999]
    assert runs == [1]
    raw = sqlite3.connect(cfg.database_path)
    assert raw.execute("select count(*), max(note) from ticket").fetchone() == (1, "")
    raw.close()


def test_a_fresh_install_gets_its_village_profile_from_the_configuration(tmp_path, clock):
    from edge_server.models import VillageProfile

    cfg = load_config(None, env={}, data_dir=str(tmp_path), village_code="3317092005", village_name="Banyudono")
    app = create_app(cfg, clock=clock)
    with app.app_context():
        village = VillageProfile.get()
    assert (village.code, village.name) == ("33.17.09.2005", "Banyudono")
    assert app.test_client().get("/api/v1/health").get_json()["village"]["name"] == "Banyudono"


def test_a_migration_numbered_below_one_already_applied_still_runs(tmp_path):
    """GIVEN a database at version 40 WHEN a release adds migration 25 (another area's range) THEN it runs."""
    db = open_database(tmp_path / "x.sqlite3")
    assert migrate(db) >= 40
    runs = []

    @migration(25, "test: a late migration in a lower range")
    def _late(db_):
        runs.append(1)

    try:
        migrate(db)
        migrate(db)
    finally:
        MIGRATIONS[:] = [m for m in MIGRATIONS if m[0] != 25]
    assert runs == [1]
    db.close()


def test_every_model_matches_the_schema_the_migrations_build(tmp_path):
    """The migrations build the tables from frozen SQL, so a model column or index added without a migration
    shows here (and never only on a fresh install)."""
    import importlib
    import pkgutil

    import peewee

    import edge_server.migrations  # noqa: F401  (registers the migrations)
    import edge_server.models as package
    from edge_server.db import database

    for info in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{package.__name__}.{info.name}")

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    db = open_database(tmp_path / "fresh.db")
    migrate(db)
    models = {m for m in subclasses(peewee.Model)  # every table model of the edge (a base class has subclasses)
              if m._meta.database is database and m.__module__.startswith("edge_server.") and not m.__subclasses__()}
    assert len(models) >= 30
    for model in models:
        table = model._meta.table_name
        columns = {c.name for c in db.get_columns(table)}
        fields = {f.column_name for f in model._meta.sorted_fields}
        assert fields == columns, f"{table}: model {sorted(fields - columns)} vs table {sorted(columns - fields)}"
        indexes = {name for (name,) in db.execute_sql(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?", (table,))}
        declared = {db.get_sql_context().sql(index).query()[0].split('"')[1] for index in model._meta.fields_to_index()}
        assert declared <= indexes, f"{table}: indexes without a migration: {sorted(declared - indexes)}"
