"""requests from a carer that the team invite another carer of the baby

Revision ID: c3e5a7b9d1f2
Revises: b2d4f6a8c0e1
Create Date: 2026-12-07 14:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import parentapp.db


revision: str = 'c3e5a7b9d1f2'
down_revision: str | None = 'b2d4f6a8c0e1'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _when(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, parentapp.db.UTCDateTime(timezone=True), nullable=nullable)


def _text(name: str, length: int, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sqlmodel.sql.sqltypes.AutoString(length=length), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        'coparent_request',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('family_id', sa.Integer(), nullable=False),
        sa.Column('carer_id', sa.Integer(), nullable=False),
        _text('name', 80, nullable=False),
        _text('carer_role', 24, nullable=False),
        _text('carer_role_other', 80),
        _text('email', 254),
        _text('phone', 32),
        _text('locale', 8),
        _text('status', 16, nullable=False),
        _when('created_at', nullable=False),
        _when('decided_at'),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        _text('decline_reason', 200),
        sa.Column('invitation_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['carer_id'], ['carer.id']),
        sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id']),
        sa.ForeignKeyConstraint(['family_id'], ['family.id']),
        sa.ForeignKeyConstraint(['invitation_id'], ['invitation.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    for column in ('carer_id', 'family_id', 'status'):
        op.create_index(
            op.f(f'ix_coparent_request_{column}'), 'coparent_request', [column], unique=False
        )


def downgrade() -> None:
    for column in ('carer_id', 'family_id', 'status'):
        op.drop_index(op.f(f'ix_coparent_request_{column}'), table_name='coparent_request')
    op.drop_table('coparent_request')
