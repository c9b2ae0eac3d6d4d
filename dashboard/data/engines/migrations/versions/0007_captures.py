"""Preserved sources (issue 16 item 1): the captures of a report's sources and their custody log.

``captures``: one row per file preserved for a report's source (an HTML page, its full-page PDF, a screenshot, a
WACZ, a media file): the report it belongs to, the source URL it preserves (the ``url`` of one of the report's
``sources``, so it follows the source whatever its position), the SHA-256 and size of the bytes (the file itself is
stored content-addressed outside the database, :mod:`dashboard.data.captures`), its media type, the URL it was
fetched from, an archive URL when there is one, who captured it, when (UTC) and how (``fetched`` by incident-map or
``attached`` from elsewhere). ``custody``: the custody log of the captures, one row per event (``collected``,
``attached``, ``transferred``, ``exported``), with who, when and a detail (e.g. the export's file name). Both are
record types (versioned, written in change sets, every change in the history); on SQLite they are registered as
GeoPackage attributes (QGIS lists them).

Stores made before this revision get empty tables. Written beside 0006 (another helper's) and chained after 0005;
the integrator re-chains the parallel revisions at merge.

Revision ID: 0007_captures
Revises: 0005
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_captures"
down_revision = "0006_workflow"
branch_labels = None
depends_on = None

# frozen copies of this revision's fields (dashboard.data.engines.records.CAPTURE and CUSTODY)
TEXT = sa.Text


def INT():  # a column type like sa.Text: sizes need 64 bits; a GeoPackage allows only INTEGER
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


CAPTURE_COLUMNS = (("capture_id", TEXT), ("report_id", TEXT), ("source_url", TEXT), ("sha256", TEXT),
                   ("size", INT), ("media_type", TEXT), ("url", TEXT), ("archive_url", TEXT),
                   ("captured_by", TEXT), ("captured_at", TEXT), ("method", TEXT))
CUSTODY_COLUMNS = (("event_id", TEXT), ("capture_id", TEXT), ("action", TEXT), ("actor", TEXT), ("at", TEXT),
                   ("detail", TEXT))


def _pg() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def _table(name: str, columns, *extra) -> None:
    if _pg():
        fid = sa.Column("fid", sa.BigInteger(), sa.Identity(), primary_key=True)
    else:
        fid = sa.Column("fid", sa.Integer(), primary_key=True, autoincrement=True)
    op.create_table(name, fid, *(sa.Column(n, kind()) for n, kind in columns),
                    sa.Column("record_version", sa.Integer, nullable=False, server_default="1"), *extra,
                    sqlite_autoincrement=True)
    if not _pg():
        op.execute(f"INSERT INTO gpkg_contents (table_name, data_type, identifier) "
                   f"VALUES ('{name}', 'attributes', '{name}')")


def upgrade() -> None:
    _table("captures", CAPTURE_COLUMNS,
           sa.CheckConstraint("method IN ('fetched', 'attached')", name="capture_method"))
    op.create_index("captures_capture_id", "captures", ["capture_id"], unique=True)
    op.create_index("captures_report_id", "captures", ["report_id"])
    op.create_index("captures_sha256", "captures", ["sha256"])
    _table("custody", CUSTODY_COLUMNS,
           sa.CheckConstraint("action IN ('collected', 'attached', 'transferred', 'exported')",
                              name="custody_action"))
    op.create_index("custody_event_id", "custody", ["event_id"], unique=True)
    op.create_index("custody_capture_id", "custody", ["capture_id"])


def downgrade() -> None:
    raise NotImplementedError("tables are not removed by a migration: copy the store to an older version instead")
