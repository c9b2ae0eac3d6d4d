"""Licences declared at import (issue 16): for each report imported from a file in this tool's own layout with
``import --licence/--attribution/--no-redistribution`` (or the Data page's fields), the licence its importer
declared, its attribution line, whether its rows may be redistributed, who declared it and when. A record type like
the decisions: versioned, written in the import's change set, every change in the history. On SQLite the table is
registered as GeoPackage attributes (QGIS lists it).

Stores made before this revision get an empty table: their reports keep their dataset's licence
(``dashboard/data/sources/licences.py``). Written beside 0004 (the text-language columns) and chained after it
when both were merged.

Revision ID: 0005
Revises: 0004_summary_lang
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004_summary_lang"
branch_labels = None
depends_on = None

# frozen copy of this revision's fields (dashboard.data.engines.records.LICENCE)
TEXT, BOOL = sa.Text, sa.Boolean
LICENCE_COLUMNS = (("report_id", TEXT), ("licence", TEXT), ("attribution", TEXT), ("redistribute", BOOL),
                   ("declared_by", TEXT), ("declared_at", TEXT))


def _pg() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    if _pg():
        fid = sa.Column("fid", sa.BigInteger(), sa.Identity(), primary_key=True)
    else:
        fid = sa.Column("fid", sa.Integer(), primary_key=True, autoincrement=True)
    op.create_table("licences", fid, *(sa.Column(name, kind()) for name, kind in LICENCE_COLUMNS),
                    sa.Column("record_version", sa.Integer, nullable=False, server_default="1"),
                    sqlite_autoincrement=True)
    op.create_index("licences_report_id", "licences", ["report_id"], unique=True)
    if not _pg():
        op.execute("INSERT INTO gpkg_contents (table_name, data_type, identifier) "
                   "VALUES ('licences', 'attributes', 'licences')")


def downgrade() -> None:
    raise NotImplementedError("tables are not removed by a migration: copy the store to an older version instead")
