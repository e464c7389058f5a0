"""Create the api_key and screening tables; make the screening audit log append-only.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The audit log is append-only in the database too, not only by having no update function.
SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER screening_no_{action.lower()} BEFORE {action} ON screening
    BEGIN SELECT RAISE(ABORT, 'screening is append-only'); END"""
    for action in ("UPDATE", "DELETE")
]
POSTGRES_TRIGGERS = [
    """CREATE FUNCTION screening_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'screening is append-only'; END $$""",
    """CREATE TRIGGER screening_append_only BEFORE UPDATE OR DELETE ON screening
    FOR EACH ROW EXECUTE FUNCTION screening_append_only()""",
]


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "api_key",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_api_key_key_hash", "api_key", ["key_hash"], unique=True)
    op.create_table(
        "screening",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("reference", sa.String(length=200), nullable=True),
        sa.Column("transaction_type", sa.String(length=32), nullable=False),
        sa.Column("decision", sa.String(length=32), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("request", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("ruleset_version", sa.String(length=100), nullable=False),
        sa.Column("ruleset_digest", sa.String(length=71), nullable=False),
        sa.Column("api_key_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["api_key_id"], ["api_key.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    for column in ("api_key_id", "created_at", "decision", "reference"):
        op.create_index(f"ix_screening_{column}", "screening", [column])
    dialect = op.get_bind().dialect.name
    for statement in {"sqlite": SQLITE_TRIGGERS, "postgresql": POSTGRES_TRIGGERS}.get(dialect, []):
        op.execute(statement)


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table("screening")
    op.drop_table("api_key")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION screening_append_only()")
