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
    pass
    # --- end teams ---

    # --- other ---
    pass
    # --- end other ---


def downgrade() -> None:
    # --- other ---
    pass
    # --- end other ---

    # --- teams: holidays, closures, response times ---
    pass
    # --- end teams ---

    # --- flags (triage) ---
    with op.batch_alter_table('flag', schema=None) as batch_op:
        batch_op.drop_index('uq_flag_live_per_category', sqlite_where=sa.text("state != 'closed'"), postgresql_where=sa.text("state != 'closed'"))
        batch_op.create_index('uq_flag_live_per_category', ['carer_id', 'category'], unique=True, sqlite_where=sa.text("state != 'closed'"), postgresql_where=sa.text("state != 'closed'"))
        batch_op.drop_constraint('fk_flag_infant_id_infant', type_='foreignkey')
        batch_op.drop_column('infant_key')
        batch_op.drop_column('infant_id')
    # --- end flags ---
