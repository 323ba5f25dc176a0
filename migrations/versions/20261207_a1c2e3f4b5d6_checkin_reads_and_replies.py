"""who of the team has read each check-in, the team's reply templates, and replies to carers

Revision ID: a1c2e3f4b5d6
Revises: c3e5a7b9d1f2
Create Date: 2026-12-07 14:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import parentapp.db


revision: str = 'a1c2e3f4b5d6'
down_revision: str | None = 'c3e5a7b9d1f2'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _when(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, parentapp.db.UTCDateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        'checkin_read',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('checkin_id', sa.Integer(), nullable=False),
        sa.Column('reader_id', sa.Integer(), nullable=False),
        _when('read_at', nullable=False),
        sa.ForeignKeyConstraint(['checkin_id'], ['checkin.id']),
        sa.ForeignKeyConstraint(['reader_id'], ['user_account.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('checkin_id', 'reader_id', name='uq_checkin_read'),
    )
    op.create_index(op.f('ix_checkin_read_checkin_id'), 'checkin_read', ['checkin_id'], unique=False)
    op.create_table(
        'reply_template',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('team_id', sa.Integer(), nullable=False),
        sa.Column('text', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column('translations', sa.JSON(), nullable=False),
        _when('created_at', nullable=False),
        _when('updated_at', nullable=False),
        sa.ForeignKeyConstraint(['team_id'], ['team.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_reply_template_team_id'), 'reply_template', ['team_id'], unique=False)
    op.create_table(
        'checkin_reply',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('checkin_id', sa.Integer(), nullable=False),
        sa.Column('carer_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=False),
        sa.Column('template_id', sa.Integer(), nullable=True),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('translations', sa.JSON(), nullable=False),
        _when('sent_at', nullable=False),
        _when('read_at'),
        _when('notified_at'),
        sa.Column('notified_by', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.ForeignKeyConstraint(['checkin_id'], ['checkin.id']),
        sa.ForeignKeyConstraint(['carer_id'], ['carer.id']),
        sa.ForeignKeyConstraint(['author_id'], ['user_account.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    for column in ('checkin_id', 'carer_id', 'notified_at'):
        op.create_index(
            op.f(f'ix_checkin_reply_{column}'), 'checkin_reply', [column], unique=False
        )


def downgrade() -> None:
    for table, indexes in (
        ('checkin_reply', ('notified_at', 'carer_id', 'checkin_id')),
        ('reply_template', ('team_id',)),
        ('checkin_read', ('checkin_id',)),
    ):
        for column in indexes:
            op.drop_index(op.f(f'ix_{table}_{column}'), table_name=table)
        op.drop_table(table)
