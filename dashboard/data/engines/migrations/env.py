"""Alembic environment: migrations run on the connection the store engine hands over (never from an ini file),
so the same scripts create and upgrade a GeoPackage (SQLite) and a PostGIS database."""

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, transaction_per_migration=True)
with context.begin_transaction():
    context.run_migrations()
