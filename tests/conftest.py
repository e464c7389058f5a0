"""Fixture strategy: a fresh migrated database per test, the real engine, real HTTP calls.

* Database. SQLite by default: `alembic upgrade head` runs once per session into a template
  file, which is copied into each test's tmp_path, so every test starts from an empty, migrated
  database in about a millisecond. When SCREENING_TEST_DATABASE_URL names a PostgreSQL database,
  the same tests run there: the session creates a schema of its own (parallel runs never
  collide), migrates it once, empties every table after each test and drops the schema at the
  end (the audit chain's head goes back to its genesis hash). `empty_database_url` gives an
  unmigrated database for the migration tests.
* Engine. The real rules/ folder is loaded once per session into the real Engine (immutable,
  so sharing it is safe) and handed to `create_app(settings, engine=...)`; nothing is mocked.
* HTTP. `client` is a fastapi TestClient with the app's lifespan running; tests send
  `auth` (a screener key's header) or their own headers, and check both the response and the
  stored row through the repositories (`session`).
* Keys. `make_key(role)` writes a key through the repository and returns (row, secret).
"""

import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest
import sqlalchemy
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from service.app import create_app
from service.config import PROJECT_DIR, Settings
from service.engine import Engine, load_ruleset
from service.store import keys, migrate
from service.store.chain import GENESIS
from service.store.database import create_db_engine
from service.store.tables import ApiKey, Role

RULES = PROJECT_DIR / "rules"
MIGRATIONS = PROJECT_DIR / "migrations"
TABLES = (
    "audit_event",
    "webhook_attempt",
    "webhook_delivery",
    "webhook_event",
    "webhook_subscription",
    "screening_idempotency",
    "review_flag",
    "rescreen_change",
    "rescreen_job",
    "disposition",
    "ruleset_load",
    "batch_row",
    "batch_job",
    "screening",
    "api_key",
)


class SqliteDatabases:
    """Per-test copies of one migrated SQLite template file."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.template = workdir / "template.db"
        migrate.upgrade(database_url=self.url(self.template), migrations_dir=MIGRATIONS)

    @staticmethod
    def url(path: Path) -> str:
        """The SQLAlchemy URL of a SQLite file."""
        return f"sqlite:///{path}"

    @contextmanager
    def fresh(self, tmp_path: Path) -> Iterator[str]:
        """A migrated, empty database for one test."""
        target = tmp_path / "screening.db"
        shutil.copyfile(self.template, target)
        yield self.url(target)

    @contextmanager
    def empty(self, tmp_path: Path) -> Iterator[str]:
        """An unmigrated database."""
        yield self.url(tmp_path / "empty.db")

    def close(self) -> None:
        """Nothing to drop: tmp_path cleanup removes the files."""


class PostgresDatabases:
    """A schema per session in the given PostgreSQL database, emptied after each test."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.admin = create_db_engine(base_url)
        self.schema = self._create_schema()
        migrate.upgrade(database_url=self.url(self.schema), migrations_dir=MIGRATIONS)

    def url(self, schema: str) -> str:
        """The base URL with its search_path set to `schema`."""
        options = {"options": f"-csearch_path={schema}"}
        return make_url(self.base_url).update_query_dict(options).render_as_string(False)

    def _create_schema(self) -> str:
        schema = f"test_{uuid.uuid4().hex[:12]}"
        with self.admin.begin() as connection:
            connection.execute(text(f"CREATE SCHEMA {schema}"))
        return schema

    def _drop_schema(self, schema: str) -> None:
        with self.admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))

    @contextmanager
    def fresh(self, _tmp_path: Path) -> Iterator[str]:
        """The session's migrated schema, emptied once the test is done."""
        try:
            yield self.url(self.schema)
        finally:
            with self.admin.begin() as connection:
                # The audit log refuses TRUNCATE; replica mode lifts that for this cleanup only.
                connection.execute(text("SET LOCAL session_replication_role = replica"))
                connection.execute(
                    text(f"TRUNCATE {', '.join(f'{self.schema}.{t}' for t in TABLES)}")
                )
                connection.execute(
                    text(f"UPDATE {self.schema}.audit_chain_head SET seq = 0, last_hash = :g"),
                    {"g": GENESIS},
                )

    @contextmanager
    def empty(self, _tmp_path: Path) -> Iterator[str]:
        """A new, unmigrated schema, dropped afterwards."""
        schema = self._create_schema()
        try:
            yield self.url(schema)
        finally:
            self._drop_schema(schema)

    def close(self) -> None:
        """Drop the session's schema and close the admin connections."""
        self._drop_schema(self.schema)
        self.admin.dispose()


@pytest.fixture(scope="session")
def databases(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[SqliteDatabases | PostgresDatabases]:
    """Where test databases come from: SQLite files, or PostgreSQL when configured."""
    url = Settings().test_database_url
    source = PostgresDatabases(url) if url else SqliteDatabases(tmp_path_factory.mktemp("db"))
    yield source
    source.close()


@pytest.fixture
def database_url(databases: SqliteDatabases | PostgresDatabases, tmp_path: Path) -> Iterator[str]:
    """The URL of a fresh, migrated database for this test."""
    with databases.fresh(tmp_path) as url:
        yield url


@pytest.fixture
def empty_database_url(
    databases: SqliteDatabases | PostgresDatabases, tmp_path: Path
) -> Callable[[], AbstractContextManager[str]]:
    """Open an unmigrated database (a context manager yielding its URL)."""
    return lambda: databases.empty(tmp_path)


@pytest.fixture(scope="session")
def engine() -> Engine:
    """The real engine over the real rules/ folder, built once."""
    return Engine(load_ruleset(RULES))


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """Settings for one test: its own database and data folder, the real rules."""
    return Settings(
        database_url=database_url,
        rules_dir=RULES,
        migrations_dir=MIGRATIONS,
        data_dir=tmp_path / "data",
    )


@pytest.fixture
def db(database_url: str) -> Iterator[sqlalchemy.Engine]:
    """A database engine on the test's database, for arranging and checking rows."""
    db_engine = create_db_engine(database_url)
    yield db_engine
    db_engine.dispose()


@pytest.fixture
def session(db: sqlalchemy.Engine) -> Iterator[Session]:
    """A session on the test's database."""
    with Session(db) as db_session:
        yield db_session


@pytest.fixture
def make_key(db: sqlalchemy.Engine) -> Callable[..., tuple[ApiKey, str]]:
    """Create an API key through the repository: make_key(Role.auditor) -> (row, secret)."""

    def create(role: Role = Role.screener, name: str = "test") -> tuple[ApiKey, str]:
        with Session(db) as db_session:
            return keys.add_api_key(session=db_session, name=name, role=role)

    return create


@pytest.fixture
def app(settings: Settings, engine: Engine) -> FastAPI:
    """The application under test, sharing the session's engine."""
    return create_app(settings, engine=engine)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    """Real HTTP calls into the app, lifespan included; no key sent by default."""
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def screener(make_key: Callable[..., tuple[ApiKey, str]]) -> tuple[ApiKey, str]:
    """A screener key and its secret."""
    return make_key(Role.screener, "screener")


@pytest.fixture
def auth(screener: tuple[ApiKey, str]) -> dict[str, str]:
    """Headers authenticating as the screener key."""
    return {"X-API-Key": screener[1]}
