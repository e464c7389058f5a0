"""Add the officer workflow: dispositions, review flags, re-screen jobs and rule-set loads.

Roles stay a plain string column checked by the application's Role enum, so the new `officer`
role needs no schema change. Dispositions and review flags are append-only like screenings.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY = ("disposition", "review_flag")


def _sqlite_triggers(table: str) -> list[str]:
    return [
        f"""CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table}
        BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"""
        for action in ("UPDATE", "DELETE")
    ]


def _postgres_triggers(table: str) -> list[str]:
    return [
        f"""CREATE FUNCTION {table}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION '{table} is append-only'; END $$""",
        f"""CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION {table}_append_only()""",
    ]


def _timestamp(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "disposition",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("screening_id", sa.String(length=36), nullable=False),
        sa.Column("outcome", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.String(length=4000), nullable=False),
        sa.Column("attachments", sa.JSON(), nullable=False),
        sa.Column("licence", sa.JSON(), nullable=True),
        sa.Column("ruleset_version", sa.String(length=100), nullable=False),
        sa.Column("ruleset_digest", sa.String(length=71), nullable=False),
        sa.Column("api_key_id", sa.String(length=36), nullable=False),
        sa.Column("api_key_name", sa.String(length=200), nullable=False),
        _timestamp("created_at"),
        sa.ForeignKeyConstraint(["screening_id"], ["screening.id"]),
        sa.ForeignKeyConstraint(["api_key_id"], ["api_key.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_disposition_screening_id", "disposition", ["screening_id"])
    op.create_table(
        "rescreen_job",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("since", sa.Date(), nullable=True),
        sa.Column("as_of", sa.Date(), nullable=True),
        sa.Column("ruleset_version", sa.String(length=100), nullable=False),
        sa.Column("ruleset_digest", sa.String(length=71), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("changed", sa.Integer(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("api_key_id", sa.String(length=36), nullable=False),
        _timestamp("created_at"),
        _timestamp("finished_at", nullable=True),
        sa.ForeignKeyConstraint(["api_key_id"], ["api_key.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_rescreen_job_status", "rescreen_job", ["status"])
    op.create_table(
        "rescreen_change",
        sa.Column("job_id", sa.String(length=36), nullable=False),
        sa.Column("screening_id", sa.String(length=36), nullable=False),
        sa.Column("reference", sa.String(length=200), nullable=True),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("old_decision", sa.String(length=32), nullable=False),
        sa.Column("new_decision", sa.String(length=32), nullable=False),
        sa.Column("old_ruleset_version", sa.String(length=100), nullable=False),
        sa.Column("new_ruleset_version", sa.String(length=100), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["job_id"], ["rescreen_job.id"]),
        sa.ForeignKeyConstraint(["screening_id"], ["screening.id"]),
        sa.PrimaryKeyConstraint("job_id", "screening_id"),
    )
    op.create_table(
        "review_flag",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("screening_id", sa.String(length=36), nullable=False),
        sa.Column("rescreen_id", sa.String(length=36), nullable=False),
        sa.Column("old_decision", sa.String(length=32), nullable=False),
        sa.Column("new_decision", sa.String(length=32), nullable=False),
        sa.Column("ruleset_version", sa.String(length=100), nullable=False),
        _timestamp("created_at"),
        sa.ForeignKeyConstraint(["screening_id"], ["screening.id"]),
        sa.ForeignKeyConstraint(["rescreen_id"], ["rescreen_job.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_review_flag_screening_id", "review_flag", ["screening_id"])
    op.create_table(
        "ruleset_load",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.String(length=100), nullable=False),
        sa.Column("digest", sa.String(length=71), nullable=False),
        _timestamp("loaded_at"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_ruleset_load_digest", "ruleset_load", ["digest"])
    dialect = op.get_bind().dialect.name
    build = {"sqlite": _sqlite_triggers, "postgresql": _postgres_triggers}.get(dialect)
    for table in APPEND_ONLY if build else ():
        for statement in build(table):
            op.execute(statement)


def downgrade() -> None:
    """Revert this revision."""
    for table in ("ruleset_load", "review_flag", "rescreen_change", "rescreen_job", "disposition"):
        op.drop_table(table)
    if op.get_bind().dialect.name == "postgresql":
        for table in APPEND_ONLY:
            op.execute(f"DROP FUNCTION {table}_append_only()")
