"""The review workflow and the team's accounts (issue 14).

* ``workflow``: a record type (versioned, every change in the history, like the licences): each report's status
  (``draft``, ``in_review``, ``published``, ``withdrawn``) and the comment or reason that goes with it. Stores made
  before this revision get an empty table: a report without a workflow record is published (everything stored
  before was public), and a published status counts nothing in the dataset version, so the version does not move.
* ``accounts``: the local and single-sign-on accounts (name, role, argon2 password hash, failed sign-ins, locked
  until). A plain table, not a record type: password hashes never go into the history; who added an account and
  when is recorded in the account row.

On SQLite both tables are registered as GeoPackage attributes (QGIS lists them).

Revision ID: 0006_workflow
Revises: 0005
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_workflow"
down_revision = "0005"
branch_labels = None
depends_on = None

# frozen copies of this revision's fields (dashboard.data.engines.records.WORKFLOW, dashboard.team.accounts)
TEXT, INT, BOOL = sa.Text, sa.Integer, sa.Boolean
WORKFLOW_COLUMNS = (("incident_id", TEXT), ("status", TEXT), ("note", TEXT))
ACCOUNT_COLUMNS = (("name", TEXT), ("role", TEXT), ("password_hash", TEXT), ("sso", BOOL), ("failed", INT),
                   ("locked_until", TEXT), ("created_by", TEXT), ("created_at", TEXT), ("disabled", BOOL))


def _pg() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def _fid() -> sa.Column:
    if _pg():
        return sa.Column("fid", sa.BigInteger(), sa.Identity(), primary_key=True)
    return sa.Column("fid", sa.Integer(), primary_key=True, autoincrement=True)


def upgrade() -> None:
    op.create_table("workflow", _fid(), *(sa.Column(name, kind()) for name, kind in WORKFLOW_COLUMNS),
                    sa.Column("record_version", sa.Integer, nullable=False, server_default="1"),
                    sqlite_autoincrement=True)
    op.create_index("workflow_incident_id", "workflow", ["incident_id"], unique=True)
    op.create_table("accounts", _fid(), *(sa.Column(name, kind()) for name, kind in ACCOUNT_COLUMNS),
                    sqlite_autoincrement=True)
    op.create_index("accounts_name", "accounts", ["name"], unique=True)
    if not _pg():
        for table in ("workflow", "accounts"):
            op.execute(f"INSERT INTO gpkg_contents (table_name, data_type, identifier) "
                       f"VALUES ('{table}', 'attributes', '{table}')")


def downgrade() -> None:
    raise NotImplementedError("tables are not removed by a migration: copy the store to an older version instead")
