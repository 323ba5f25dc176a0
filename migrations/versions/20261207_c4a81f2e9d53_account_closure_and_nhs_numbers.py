"""account closure (request, confirmation, restriction, retention review) and NHS numbers on
carers and babies

Revision ID: c4a81f2e9d53
Revises: 7b3d9e21c4f0
Create Date: 2026-12-07 06:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import parentapp.db


revision: str = 'c4a81f2e9d53'
down_revision: str | None = '7b3d9e21c4f0'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_WHEN = ('closure_requested_at', 'closed_at', 'restricted_at', 'restriction_ended_at', 'retention_due_at')


def upgrade() -> None:
    with op.batch_alter_table('carer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('nhs_number', sa.String(length=10), nullable=True))
        for name in _WHEN:
            batch_op.add_column(sa.Column(name, parentapp.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('closed_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('restriction_ended_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_carer_closed_by_id_user_account', 'user_account', ['closed_by_id'], ['id'])
        batch_op.create_foreign_key('fk_carer_restriction_ended_by_id_user_account', 'user_account', ['restriction_ended_by_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_carer_restricted_at'), ['restricted_at'], unique=False)
    with op.batch_alter_table('infant', schema=None) as batch_op:
        batch_op.add_column(sa.Column('nhs_number', sa.String(length=10), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('infant', schema=None) as batch_op:
        batch_op.drop_column('nhs_number')
    with op.batch_alter_table('carer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_carer_restricted_at'))
        batch_op.drop_constraint('fk_carer_restriction_ended_by_id_user_account', type_='foreignkey')
        batch_op.drop_constraint('fk_carer_closed_by_id_user_account', type_='foreignkey')
        batch_op.drop_column('restriction_ended_by_id')
        batch_op.drop_column('closed_by_id')
        for name in reversed(_WHEN):
            batch_op.drop_column(name)
        batch_op.drop_column('nhs_number')
