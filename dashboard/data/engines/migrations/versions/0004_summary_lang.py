"""The data's own text in two languages (issue 15): ``summary_fr``, a French summary written beside the English
``summary``, and ``summary_lang``, the language ``summary`` is written in (an ISO 639-1 code, empty when unknown).

Stores made before this revision keep their incidents; both columns are unknown (NULL) for them until an edit or a
re-import gives them. The dataset version does not move: a record whose new fields are both unknown hashes as it
did before they existed (:data:`dashboard.data.engines.records.HASHED_WHEN_GIVEN`), so a version cited before the
upgrade still names the same data.

Revision ID: 0004_summary_lang
Revises: 0003
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_summary_lang"
down_revision = "0003"
branch_labels = None
depends_on = None

# frozen copy of the columns this revision adds (dashboard.data.schema.COLUMNS)
NEW_COLUMNS = ("summary_fr", "summary_lang")


def upgrade() -> None:
    for name in NEW_COLUMNS:
        op.add_column("incidents", sa.Column(name, sa.Text()))


def downgrade() -> None:
    raise NotImplementedError("columns are not removed by a migration: copy the store to an older version instead")
