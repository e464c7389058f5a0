"""Lease columns on the job tables: owner, heartbeat, expiry and a fencing epoch.

A process claims a queued or abandoned job by writing itself as `lease_owner` and adding one to
`lease_epoch`; it renews `lease_expires_at` while it works. Every chunk it commits checks owner
and epoch in the same transaction, so a process whose lease was taken over cannot write again.
Jobs already stored start unleased (epoch 0), so the first process to look claims them.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JOB_TABLES = ("batch_job", "rescreen_job")


def upgrade() -> None:
    """Apply this revision."""
    for table in JOB_TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("lease_owner", sa.String(length=120), nullable=True))
            batch.add_column(
                sa.Column("lease_epoch", sa.Integer(), nullable=False, server_default="0")
            )
            batch.add_column(sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True))
            batch.add_column(
                sa.Column("lease_expires_at", sa.DateTime(timezone=True), nullable=True)
            )


def downgrade() -> None:
    """Revert this revision."""
    for table in JOB_TABLES:
        with op.batch_alter_table(table) as batch:
            for column in ("lease_expires_at", "heartbeat_at", "lease_epoch", "lease_owner"):
                batch.drop_column(column)
