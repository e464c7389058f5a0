"""Runs the Alembic migrations from code, for `screening db upgrade` and the tests."""

from pathlib import Path

from alembic import command
from alembic.config import Config


def alembic_config(*, database_url: str, migrations_dir: Path) -> Config:
    """An Alembic config pointing at our scripts and the given database, without alembic.ini."""
    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    config.attributes["database_url"] = database_url
    return config


def upgrade(*, database_url: str, migrations_dir: Path, revision: str = "head") -> None:
    """Bring the database up to `revision` (default: the latest)."""
    command.upgrade(
        alembic_config(database_url=database_url, migrations_dir=migrations_dir), revision
    )


def downgrade(*, database_url: str, migrations_dir: Path, revision: str = "base") -> None:
    """Take the database down to `revision` (default: empty)."""
    config = alembic_config(database_url=database_url, migrations_dir=migrations_dir)
    command.downgrade(config, revision)
