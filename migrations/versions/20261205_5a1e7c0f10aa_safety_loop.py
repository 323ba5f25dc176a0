"""safety loop: re-opened urgent flags, per-infant flags, note flags, holidays and closures,
response times for notes and contact requests

Revision ID: 5a1e7c0f10aa
Revises: e0b6d65baa07
Create Date: 2026-12-05 15:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import parentapp.db


revision: str = '5a1e7c0f10aa'
down_revision: str | None = 'e0b6d65baa07'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # --- flags (triage) ---
    with op.batch_alter_table('flag', schema=None) as batch_op:
        batch_op.add_column(sa.Column('infant_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('infant_key', sa.Integer(), server_default='0', nullable=False))
        batch_op.create_foreign_key('fk_flag_infant_id_infant', 'infant', ['infant_id'], ['id'])
        batch_op.drop_index('uq_flag_live_per_category', sqlite_where=sa.text("state != 'closed'"), postgresql_where=sa.text("state != 'closed'"))
        batch_op.create_index('uq_flag_live_per_category', ['carer_id', 'category', 'infant_key'], unique=True, sqlite_where=sa.text("state != 'closed'"), postgresql_where=sa.text("state != 'closed'"))
    # --- end flags ---

    # --- teams: holidays, closures, response times ---
    with op.batch_alter_table('team', schema=None) as batch_op:
        batch_op.add_column(sa.Column('note_response_days', sa.Integer(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('contact_response_hours', sa.Integer(), server_default='8', nullable=False))
        batch_op.add_column(sa.Column('nation', sqlmodel.sql.sqltypes.AutoString(length=3), server_default='ENG', nullable=False))
    op.create_table('team_closure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', parentapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], ),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('team_id', 'day', name='uq_team_closure_day')
    )
    with op.batch_alter_table('team_closure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_team_closure_team_id'), ['team_id'], unique=False)
    # --- end teams ---

    # --- other ---
    pass
    # --- end other ---


def downgrade() -> None:
    # --- other ---
    pass
    # --- end other ---

    # --- teams: holidays, closures, response times ---
    with op.batch_alter_table('team_closure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_team_closure_team_id'))
    op.drop_table('team_closure')
    with op.batch_alter_table('team', schema=None) as batch_op:
        batch_op.drop_column('nation')
        batch_op.drop_column('contact_response_hours')
        batch_op.drop_column('note_response_days')
    # --- end teams ---

    # --- flags (triage) ---
    with op.batch_alter_table('flag', schema=None) as batch_op:
        batch_op.drop_index('uq_flag_live_per_category', sqlite_where=sa.text("state != 'closed'"), postgresql_where=sa.text("state != 'closed'"))
        batch_op.create_index('uq_flag_live_per_category', ['carer_id', 'category'], unique=True, sqlite_where=sa.text("state != 'closed'"), postgresql_where=sa.text("state != 'closed'"))
        batch_op.drop_constraint('fk_flag_infant_id_infant', type_='foreignkey')
        batch_op.drop_column('infant_key')
        batch_op.drop_column('infant_id')
    # --- end flags ---
