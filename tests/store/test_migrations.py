"""Migrations build exactly the schema the table models describe, and can be undone."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

from service.store import migrate
from service.store import tables as _tables  # noqa: F401 - registers the tables
from service.store.database import create_db_engine
from tests.conftest import MIGRATIONS


def drift(url: str) -> list:
    """Differences autogenerate would write between the database and the table models."""
    db = create_db_engine(url)
    try:
        with db.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return compare_metadata(context, SQLModel.metadata)
    finally:
        db.dispose()


def table_names(url: str) -> set[str]:
    """The tables present in the database."""
    db = create_db_engine(url)
    try:
        return set(inspect(db).get_table_names())
    finally:
        db.dispose()


def test_upgrade_head_on_an_empty_database_leaves_no_drift(empty_database_url):
    with empty_database_url() as url:
        assert table_names(url) == set()
        migrate.upgrade(database_url=url, migrations_dir=MIGRATIONS)
        assert table_names(url) == {
            "alembic_version",
            "api_key",
            "screening",
            "batch_job",
            "batch_row",
            "screening_idempotency",
            "disposition",
            "review_flag",
            "rescreen_job",
            "rescreen_change",
            "ruleset_load",
            "audit_chain_head",
            "audit_event",
            "webhook_subscription",
            "webhook_event",
            "webhook_delivery",
            "webhook_attempt",
        }
        assert drift(url) == []


def test_downgrade_to_base_and_up_again(empty_database_url):
    with empty_database_url() as url:
        migrate.upgrade(database_url=url, migrations_dir=MIGRATIONS)
        migrate.downgrade(database_url=url, migrations_dir=MIGRATIONS)
        assert table_names(url) == {"alembic_version"}
        migrate.upgrade(database_url=url, migrations_dir=MIGRATIONS)
        assert drift(url) == []
