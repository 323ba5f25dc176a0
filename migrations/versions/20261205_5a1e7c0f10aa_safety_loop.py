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
    pass
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
    pass
    # --- end flags ---
