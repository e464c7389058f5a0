"""Add key expiry and last use, and Idempotency-Keys of screenings.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("api_key") as batch:
        batch.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True))
    # The primary key makes a concurrent retry fail on insert instead of screening twice.
    op.create_table(
        "screening_idempotency",
        sa.Column("api_key_id", sa.String(length=36), nullable=False),
        sa.Column("key", sa.String(length=150), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("screening_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["api_key_id"], ["api_key.id"]),
        sa.ForeignKeyConstraint(["screening_id"], ["screening.id"]),
        sa.PrimaryKeyConstraint("api_key_id", "key"),
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table("screening_idempotency")
    with op.batch_alter_table("api_key") as batch:
        batch.drop_column("last_used_at")
        batch.drop_column("expires_at")
