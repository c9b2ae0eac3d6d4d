"""Victims and harms (issue 16, item 3): per incident, the killed by sex and by age and the harms beyond killing as
min–max whole numbers, the harm types reported (``harms``) and the SDG 16.1.2 cause of death
(``cause_of_death``), all optional (:mod:`dashboard.data.harms`); and a private table of named victims
(``named_victims``), a record type of its own that no incident frame, public view or export reads.

Stores made before this revision keep their incidents; the new columns are unknown (NULL) until an edit or a
re-import gives them, and the dataset version does not move: a record whose new fields are all unknown hashes as it
did before they existed (:data:`dashboard.data.engines.records.HASHED_WHEN_GIVEN`). On SQLite the new table is
registered as GeoPackage attributes.

Revision ID: 0009_harms
Revises: 0005
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_harms"
down_revision = "0008_grading"
branch_labels = None
depends_on = None

# frozen copies of this revision's fields (dashboard.data.harms.HARM_COLUMNS, records.NAMED_VICTIM)
_GROUPS = ("men", "women", "sex_unknown", "adults", "children", "age_unknown")
_HARMS = ("injured", "abducted", "detained", "sexual_violence", "buildings_burned", "livestock_taken", "displaced")
INT_COLUMNS = (*(f"killed_{g}_{e}" for g in _GROUPS for e in ("min", "max")),
               *(f"{h}_{e}" for h in _HARMS for e in ("min", "max")))
TEXT_COLUMNS = ("harms", "cause_of_death")
TEXT, INT = sa.Text, sa.Integer
VICTIM_COLUMNS = (("victim_id", TEXT), ("incident_id", TEXT), ("name", TEXT), ("sex", TEXT), ("age", INT),
                  ("age_group", TEXT), ("harm", TEXT), ("note", TEXT), ("recorded_by", TEXT), ("recorded_at", TEXT))


def _pg() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    for name in INT_COLUMNS:
        op.add_column("incidents", sa.Column(name, sa.Integer()))
    for name in TEXT_COLUMNS:
        op.add_column("incidents", sa.Column(name, sa.Text()))
    if _pg():
        fid = sa.Column("fid", sa.BigInteger(), sa.Identity(), primary_key=True)
    else:
        fid = sa.Column("fid", sa.Integer(), primary_key=True, autoincrement=True)
    op.create_table("named_victims", fid, *(sa.Column(name, kind()) for name, kind in VICTIM_COLUMNS),
                    sa.Column("record_version", sa.Integer, nullable=False, server_default="1"),
                    sqlite_autoincrement=True)
    op.create_index("named_victims_victim_id", "named_victims", ["victim_id"], unique=True)
    if not _pg():
        op.execute("INSERT INTO gpkg_contents (table_name, data_type, identifier) "
                   "VALUES ('named_victims', 'attributes', 'named_victims')")


def downgrade() -> None:
    raise NotImplementedError("columns and tables are not removed by a migration: copy the store to an older version")
