"""Administrative units of each incident (issue 11): the cercle and commune it lies in, with their P-codes, and the
smallest unit its location is known to (``located_to``). Stores made with 0001 keep their incidents; the new
columns are unknown (NULL) for them until an edit or a re-import gives them.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# frozen copy of the columns this revision adds (dashboard.data.schema.UNIT_COLUMNS and located_to)
NEW_COLUMNS = ("cercle", "cercle_pcode", "commune", "commune_pcode", "located_to")


def upgrade() -> None:
    for name in NEW_COLUMNS:
        op.add_column("incidents", sa.Column(name, sa.Text()))


def downgrade() -> None:
    raise NotImplementedError("columns are not removed by a migration: copy the store to an older version instead")
