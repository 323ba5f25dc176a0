"""schedule asked_at: a positive screen's follow-up is due at once, even on a schedule answered
lately

Revision ID: 7b3d9e21c4f0
Revises: 5a1e7c0f10aa
Create Date: 2026-12-06 13:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import parentapp.db


revision: str = '7b3d9e21c4f0'
down_revision: str | None = '5a1e7c0f10aa'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('checkin_schedule', schema=None) as batch_op:
        batch_op.add_column(sa.Column('asked_at', parentapp.db.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('checkin_schedule', schema=None) as batch_op:
        batch_op.drop_column('asked_at')
