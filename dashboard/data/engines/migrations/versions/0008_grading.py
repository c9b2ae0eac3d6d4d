"""Civilian-harm grading (issue 16): a person's grade for an incident, with its reason, and the responses of the
accused party.

* ``incidents`` gets ``grade_override`` (one of confirmed, fair, weak, contested, discounted) and
  ``grade_override_reason`` (required with it). Both are unknown (NULL) in stores made before this revision, and a
  record that gives neither hashes as it did before they existed
  (:data:`dashboard.data.engines.records.HASHED_WHEN_GIVEN`), so upgrading leaves the dataset version alone.
* ``responses``: a record type like the licences (versioned, every change in the history): a dated statement by the
  accused party about an incident (denial, admission, announced inquiry), who spoke, the URL that reports it, and
  who recorded it when. On SQLite the table is registered as GeoPackage attributes (QGIS lists it). Stores made
  before this revision get an empty table.

Written beside other revisions after 0005; the integrator chains them when they are merged.

Revision ID: 0008_grading
Revises: 0005
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_grading"
down_revision = "0007_captures"
branch_labels = None
depends_on = None

# frozen copies of this revision's fields (dashboard.data.schema.COLUMNS, dashboard.data.engines.records.RESPONSE)
NEW_INCIDENT_COLUMNS = ("grade_override", "grade_override_reason")
RESPONSE_COLUMNS = ("response_id", "incident_id", "date", "party", "kind", "url", "note", "recorded_by",
                    "recorded_at")


def _pg() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    for name in NEW_INCIDENT_COLUMNS:
        op.add_column("incidents", sa.Column(name, sa.Text()))
    if _pg():
        fid = sa.Column("fid", sa.BigInteger(), sa.Identity(), primary_key=True)
    else:
        fid = sa.Column("fid", sa.Integer(), primary_key=True, autoincrement=True)
    op.create_table("responses", fid, *(sa.Column(name, sa.Text()) for name in RESPONSE_COLUMNS),
                    sa.Column("record_version", sa.Integer, nullable=False, server_default="1"),
                    sqlite_autoincrement=True)
    op.create_index("responses_response_id", "responses", ["response_id"], unique=True)
    op.create_index("responses_incident_id", "responses", ["incident_id"])
    if not _pg():
        op.execute("INSERT INTO gpkg_contents (table_name, data_type, identifier) "
                   "VALUES ('responses', 'attributes', 'responses')")


def downgrade() -> None:
    raise NotImplementedError("columns and tables are not removed by a migration: copy the store to an older version "
                              "instead")
