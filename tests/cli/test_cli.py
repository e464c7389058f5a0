"""The `screening` command: rule checks, stamping, keys, migrations and the OpenAPI export."""

import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import Session
from typer.testing import CliRunner

from service.cli import app, openapi_text
from service.config import Settings
from service.engine import load_ruleset
from service.engine.loader import MANIFEST_NAME
from service.store import keys
from service.store.database import create_db_engine
from service.store.tables import as_utc
from tests.conftest import MIGRATIONS, RULES

runner = CliRunner()


def without_digest(manifest: str) -> list[str]:
    """The manifest's lines other than the digest."""
    return [line for line in manifest.splitlines() if not line.startswith("digest:")]


@pytest.fixture
def rules_copy(tmp_path: Path) -> Path:
    """A copy of the real rules/ folder that a test may change."""
    target = tmp_path / "rules"
    shutil.copytree(RULES, target)
    return target


def test_stamp_then_validate_passes_and_keeps_comments(rules_copy: Path):
    manifest = rules_copy / MANIFEST_NAME
    before = manifest.read_text(encoding="utf-8")
    stamped = runner.invoke(app, ["rules", "stamp", str(rules_copy)])
    assert stamped.exit_code == 0, stamped.output
    after = manifest.read_text(encoding="utf-8")
    ruleset = load_ruleset(rules_copy)
    assert ruleset.recorded_digest == ruleset.digest
    assert without_digest(after) == without_digest(before)
    result = runner.invoke(app, ["rules", "validate", str(rules_copy)])
    assert result.exit_code == 0, result.output
    assert f"digest {ruleset.digest}" in result.output


def test_validate_reports_an_unstamped_digest(rules_copy: Path):
    manifest = rules_copy / MANIFEST_NAME
    text = manifest.read_text(encoding="utf-8")
    zero = f'digest: "sha256:{"0" * 64}"'
    manifest.write_text(re.sub(r"^digest:.*$", zero, text, flags=re.MULTILINE), encoding="utf-8")
    result = runner.invoke(app, ["rules", "validate", str(rules_copy)])
    assert result.exit_code == 2
    assert "screening rules stamp" in result.output


def test_validate_fails_naming_file_and_field(rules_copy: Path):
    victim = next(p for p in sorted(rules_copy.glob("*.yaml")) if p.name != MANIFEST_NAME)
    victim.write_text(victim.read_text(encoding="utf-8") + "\nsurprise: 1\n", encoding="utf-8")
    result = runner.invoke(app, ["rules", "validate", str(rules_copy)])
    assert result.exit_code == 1
    assert f"{victim.name}: surprise" in result.output


def test_keys_create_prints_the_secret_alone_on_the_last_line(database_url: str):
    env = {"SCREENING_DATABASE_URL": database_url}
    result = runner.invoke(app, ["keys", "create", "--role", "auditor", "--name", "ci"], env=env)
    assert result.exit_code == 0, result.output
    secret = result.output.splitlines()[-1]
    db = create_db_engine(database_url)
    with Session(db) as session:
        row = keys.find_active_key(session=session, secret=secret)
    db.dispose()
    assert row is not None and (row.role, row.name) == ("auditor", "ci")
    listed = runner.invoke(app, ["keys", "list"], env=env)
    assert row.id in listed.output and secret not in listed.output
    revoked = runner.invoke(app, ["keys", "revoke", row.id], env=env)
    assert revoked.exit_code == 0


def test_keys_create_with_an_expiry_stores_it(database_url: str):
    env = {"SCREENING_DATABASE_URL": database_url}
    args = ["keys", "create", "--role", "screener", "--name", "tmp", "--expires", "2099-06-30"]
    result = runner.invoke(app, args, env=env)
    assert result.exit_code == 0, result.output
    assert "expires 2099-06-30T00:00:00+00:00" in result.output
    db = create_db_engine(database_url)
    with Session(db) as session:
        row = keys.find_active_key(session=session, secret=result.output.splitlines()[-1])
    db.dispose()
    assert row is not None and row.expires_at is not None
    assert as_utc(row.expires_at) == datetime(2099, 6, 30, tzinfo=UTC)
    assert "expires 2099-06-30 00:00" in runner.invoke(app, ["keys", "list"], env=env).output


@pytest.mark.parametrize("expires", ["2001-01-01", "next week"])
def test_keys_create_refuses_a_past_or_unreadable_expiry(database_url: str, expires: str):
    env = {"SCREENING_DATABASE_URL": database_url}
    args = ["keys", "create", "--role", "screener", "--name", "x", "--expires", expires]
    result = runner.invoke(app, args, env=env)
    assert result.exit_code == 2
    assert "--expires" in result.output


def test_keys_create_refuses_an_unknown_role(database_url: str):
    env = {"SCREENING_DATABASE_URL": database_url}
    result = runner.invoke(app, ["keys", "create", "--role", "root", "--name", "x"], env=env)
    assert result.exit_code != 0


def test_db_upgrade_migrates_the_configured_database(empty_database_url):
    with empty_database_url() as url:
        env = {"SCREENING_DATABASE_URL": url, "SCREENING_MIGRATIONS_DIR": str(MIGRATIONS)}
        result = runner.invoke(app, ["db", "upgrade"], env=env)
        assert result.exit_code == 0, result.output
        upgraded = runner.invoke(app, ["keys", "create", "--role", "admin", "--name", "a"], env=env)
        assert upgraded.exit_code == 0, upgraded.output


def test_openapi_export_writes_the_contract(tmp_path: Path):
    target = tmp_path / "openapi.json"
    result = runner.invoke(app, ["openapi", "export", "-o", str(target)])
    assert result.exit_code == 0
    text = target.read_text(encoding="utf-8")
    assert text == openapi_text() and text.endswith("}\n")


def test_db_upgrade_creates_the_sqlite_folder(tmp_path: Path):
    url = f"sqlite:///{tmp_path}/new/folder/screening.db"
    env = {"SCREENING_DATABASE_URL": url, "SCREENING_MIGRATIONS_DIR": str(MIGRATIONS)}
    result = runner.invoke(app, ["db", "upgrade"], env=env)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "new" / "folder" / "screening.db").is_file()


def test_keys_create_on_an_unmigrated_database_says_what_to_do(tmp_path: Path):
    env = {"SCREENING_DATABASE_URL": f"sqlite:///{tmp_path}/empty.db"}
    result = runner.invoke(app, ["keys", "create", "--role", "admin", "--name", "a"], env=env)
    assert result.exit_code == 1
    assert "screening db upgrade" in result.output


def test_settings_refuse_a_postgres_url_without_the_psycopg_driver():
    with pytest.raises(ValueError, match=r"postgresql\+psycopg"):
        Settings(database_url="postgresql://postgres@localhost/test")
