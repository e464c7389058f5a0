"""Chain the screening audit log: seq, prev_hash and row_hash on each row, and the chain head.

Rows already stored are chained here in (created_at, id) order, so `screening audit verify`
covers the whole log from the first record on. The append-only triggers are lifted for that
backfill only, inside this migration's transaction.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from service.store.chain import GENESIS, chained

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER screening_no_{action.lower()} BEFORE {action} ON screening
    BEGIN SELECT RAISE(ABORT, 'screening is append-only'); END"""
    for action in ("UPDATE", "DELETE")
]
SCREENING = sa.table(
    "screening",
    *(sa.column(name, sa.String) for name in ("id", "reference", "transaction_type", "decision")),
    sa.column("as_of", sa.Date),
    sa.column("request", sa.JSON),
    sa.column("result", sa.JSON),
    *(sa.column(name, sa.String) for name in ("ruleset_version", "ruleset_digest", "api_key_id")),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("seq", sa.Integer),
    sa.column("prev_hash", sa.String),
    sa.column("row_hash", sa.String),
)
CHAIN_COLUMNS = ("seq", "prev_hash", "row_hash")
# 0001's row triggers do not see TRUNCATE, which would empty the log in one statement.
# (SQLite has no TRUNCATE: its DELETE without WHERE fires the row trigger.)
POSTGRES_NO_TRUNCATE = """CREATE TRIGGER screening_no_truncate BEFORE TRUNCATE ON screening
    FOR EACH STATEMENT EXECUTE FUNCTION screening_append_only()"""


def _set_triggers(enabled: bool) -> None:
    """Lift (or restore) the append-only triggers for this transaction's backfill."""
    if op.get_bind().dialect.name == "postgresql":
        action = "ENABLE" if enabled else "DISABLE"
        op.execute(f"ALTER TABLE screening {action} TRIGGER screening_append_only")
    elif enabled:
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)
    else:
        for action in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS screening_no_{action}")


def _backfill() -> tuple[int, str]:
    """Chain the rows already stored, oldest first; the chain's (seq, last hash)."""
    bind = op.get_bind()
    query = sa.select(SCREENING).order_by(SCREENING.c.created_at, SCREENING.c.id)
    records = [dict(row._mapping) for row in bind.execute(query)]
    seq, last = chained(records, 0, GENESIS)
    for record in records:
        bind.execute(
            SCREENING.update()
            .where(SCREENING.c.id == record["id"])
            .values({name: record[name] for name in CHAIN_COLUMNS})
        )
    return seq, last


def upgrade() -> None:
    """Apply this revision."""
    # Server defaults let SQLite add NOT NULL columns in place; the backfill replaces them.
    op.add_column("screening", sa.Column("seq", sa.Integer(), nullable=False, server_default="0"))
    for name in ("prev_hash", "row_hash"):
        column = sa.Column(name, sa.String(length=64), nullable=False, server_default="")
        op.add_column("screening", column)
    _set_triggers(False)
    seq, last = _backfill()
    _set_triggers(True)
    op.create_index("ix_screening_seq", "screening", ["seq"], unique=True)
    if op.get_bind().dialect.name == "postgresql":
        for name in CHAIN_COLUMNS:
            op.alter_column("screening", name, server_default=None)
        op.execute(POSTGRES_NO_TRUNCATE)
    head = op.create_table(
        "audit_chain_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.bulk_insert(head, [{"id": 1, "seq": seq, "last_hash": last}])


def downgrade() -> None:
    """Revert this revision (the hashes are dropped; the rows stay)."""
    op.drop_table("audit_chain_head")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER screening_no_truncate ON screening")
    op.drop_index("ix_screening_seq", table_name="screening")
    for name in reversed(CHAIN_COLUMNS):
        # SQLite 3.35+ drops a column in place, which keeps the append-only triggers.
        op.execute(f"ALTER TABLE screening DROP COLUMN {name}")
