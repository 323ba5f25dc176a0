"""shares of a carer's summary with a professional outside the team, and their openings

Revision ID: b2d4f6a8c0e1
Revises: d9f1a3c5e7b2
Create Date: 2026-12-07 14:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import parentapp.db


revision: str = 'b2d4f6a8c0e1'
down_revision: str | None = 'd9f1a3c5e7b2'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _when(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, parentapp.db.UTCDateTime(timezone=True), nullable=nullable)


def _text(name: str, length: int, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sqlmodel.sql.sqltypes.AutoString(length=length), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        'share',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('carer_id', sa.Integer(), nullable=False),
        sa.Column('family_id', sa.Integer(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=False),
        _text('agreed_how', 16, nullable=True),
        _text('recipient_name', 120),
        _text('recipient_role', 24),
        _text('recipient_email', 254),
        _text('locale', 16),
        _text('token_hash', 64),
        _text('code_hash', 64),
        sa.Column('instruments', sa.JSON(), nullable=False),
        _when('trend_since', nullable=False),
        sa.Column('note_ids', sa.JSON(), nullable=False),
        sa.Column('clinician_summary', sa.Boolean(), nullable=False),
        _when('created_at', nullable=False),
        _when('expires_at', nullable=False),
        _when('revoked_at'),
        sa.Column('revoked_by_id', sa.Integer(), nullable=True),
        _when('locked_at'),
        sa.Column('failed_codes', sa.Integer(), server_default=sa.text('0'), nullable=False),
        sa.ForeignKeyConstraint(['carer_id'], ['carer.id']),
        sa.ForeignKeyConstraint(['family_id'], ['family.id']),
        sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id']),
        sa.ForeignKeyConstraint(['revoked_by_id'], ['user_account.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_share_carer_id'), 'share', ['carer_id'], unique=False)
    op.create_index(op.f('ix_share_family_id'), 'share', ['family_id'], unique=False)
    op.create_index(op.f('ix_share_token_hash'), 'share', ['token_hash'], unique=True)
    op.create_table(
        'share_opening',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('share_id', sa.Integer(), nullable=False),
        _when('opened_at', nullable=False),
        sa.ForeignKeyConstraint(['share_id'], ['share.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(
        op.f('ix_share_opening_share_id'), 'share_opening', ['share_id'], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f('ix_share_opening_share_id'), table_name='share_opening')
    op.drop_table('share_opening')
    op.drop_index(op.f('ix_share_token_hash'), table_name='share')
    op.drop_index(op.f('ix_share_family_id'), table_name='share')
    op.drop_index(op.f('ix_share_carer_id'), table_name='share')
    op.drop_table('share')
