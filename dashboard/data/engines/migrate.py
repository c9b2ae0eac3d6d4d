"""Schema creation and upgrades with Alembic, on the connection a store engine opens (no ini file)."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

SCRIPTS = Path(__file__).resolve().parent / "migrations"


def _config(conn: sa.Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(SCRIPTS))
    cfg.attributes["connection"] = conn
    return cfg


def head() -> str:
    return ScriptDirectory.from_config(_config()).get_current_head()


def current(engine: sa.Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: sa.Engine) -> None:
    """Bring the schema to the newest revision (creating it in an empty database)."""
    with engine.connect() as conn:
        conn = conn.execution_options(write=True)  # the GeoPackage engine then takes the write lock at once
        command.upgrade(_config(conn), "head")
        if conn.in_transaction():
            conn.commit()
