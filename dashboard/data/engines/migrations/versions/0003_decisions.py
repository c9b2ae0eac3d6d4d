"""Reconciliation decisions (issue 12): which reports are the same event (``linked``), which are not (``apart``),
which wait for a person (``pending``); with who decided (``auto``: the matching rule), when, why, and the score and
evidence sentence the rule gave the pair. A record type like the incidents: versioned, written in change sets,
every change in the history. On SQLite the table is registered as GeoPackage attributes (QGIS lists it).

Stores made before this revision get an empty table: their reports are one incident each until
``incident-map reconcile`` (or the next import) runs the rule.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# frozen copy of this revision's fields (dashboard.data.engines.records.DECISION)
TEXT, INT = sa.Text, sa.Integer
DECISION_COLUMNS = (("decision_id", TEXT), ("a", TEXT), ("b", TEXT), ("verdict", TEXT), ("author", TEXT),
                    ("at", TEXT), ("reason", TEXT), ("score", INT), ("evidence", TEXT))


def _pg() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    if _pg():
        fid = sa.Column("fid", sa.BigInteger(), sa.Identity(), primary_key=True)
    else:
        fid = sa.Column("fid", sa.Integer(), primary_key=True, autoincrement=True)
    op.create_table("decisions", fid, *(sa.Column(name, kind()) for name, kind in DECISION_COLUMNS),
                    sa.Column("record_version", sa.Integer, nullable=False, server_default="1"),
                    sa.CheckConstraint("verdict IN ('linked', 'apart', 'pending')", name="decision_verdict"),
                    sqlite_autoincrement=True)
    op.create_index("decisions_decision_id", "decisions", ["decision_id"], unique=True)
    op.create_index("decisions_a", "decisions", ["a"])
    op.create_index("decisions_b", "decisions", ["b"])
    if not _pg():
        op.execute("INSERT INTO gpkg_contents (table_name, data_type, identifier) "
                   "VALUES ('decisions', 'attributes', 'decisions')")


def downgrade() -> None:
    raise NotImplementedError("tables are not removed by a migration: copy the store to an older version instead")
