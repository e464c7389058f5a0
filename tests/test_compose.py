"""compose.yaml, checked without a Docker daemon: it parses, sets only settings the service reads
(and the ones it needs), runs the migrations first, and runs the image the Dockerfile builds."""

import json
import re
import shlex

import pytest
import yaml
from typer.testing import CliRunner

from service.cli import app as cli
from service.config import PROJECT_DIR, Settings

COMPOSE = yaml.safe_load((PROJECT_DIR / "compose.yaml").read_text(encoding="utf-8"))
SERVICES = COMPOSE["services"]
# What an operator puts in .env (compose.yaml refuses to start without the first two).
OPERATOR_ENV = {"POSTGRES_PASSWORD": "0123abcd", "SCREENING_UI_SECRET": "s" * 64}
VARIABLE = re.compile(r"\$\{(\w+)(?::([?-])([^}]*))?\}")


def setting_names() -> set[str]:
    """Every environment variable Settings reads: SCREENING_ + field, or the field's aliases."""
    names = set()
    for field, info in Settings.model_fields.items():
        alias = info.validation_alias
        choices = getattr(alias, "choices", None)
        names |= set(choices) if choices else {f"SCREENING_{field.upper()}"}
    return names


def interpolated(value: str, env: dict[str, str]) -> str:
    """`value` with ${VAR}, ${VAR:-default} and ${VAR:?error} replaced as compose does."""

    def replace(found: re.Match[str]) -> str:
        name, kind, rest = found.groups()
        if env.get(name):
            return env[name]
        if kind == "?":
            raise KeyError(f"{name}: {rest}")
        return rest if kind == "-" else ""

    return VARIABLE.sub(replace, value)


def dockerfile_steps() -> tuple[str, str]:
    """The Dockerfile's CMD split in its two steps: migrate, then serve (without `exec`)."""
    lines = (PROJECT_DIR / "Dockerfile").read_text(encoding="utf-8").splitlines()
    [cmd] = [json.loads(line.removeprefix("CMD ")) for line in lines if line.startswith("CMD ")]
    assert cmd[:2] == ["sh", "-c"]
    migrate, serve = (step.strip() for step in cmd[2].split("&&"))
    return migrate, serve.removeprefix("exec ")


def test_the_file_holds_the_service_its_database_and_redis():
    assert set(SERVICES) == {"postgres", "redis", "migrate", "screening"}
    for name in ("postgres", "redis"):
        assert SERVICES[name]["healthcheck"]["test"][0] == "CMD"


@pytest.mark.parametrize("service", ["migrate", "screening"])
def test_every_screening_variable_is_a_setting_the_service_reads(service):
    environment = SERVICES[service]["environment"]
    named = {name for name in environment if name.startswith(("SCREENING_", "OTEL_"))}
    assert named <= setting_names()
    assert "SCREENING_DATABASE_URL" in named


def test_the_settings_it_gives_are_accepted_and_point_at_its_own_services(monkeypatch):
    environment = SERVICES["screening"]["environment"]
    for name, value in environment.items():
        monkeypatch.setenv(name, interpolated(str(value), OPERATOR_ENV))
    settings = Settings()
    assert settings.database_url == (
        "postgresql+psycopg://screening:0123abcd@postgres:5432/screening"
    )
    assert SERVICES["postgres"]["environment"]["POSTGRES_DB"] == "screening"
    assert settings.redis_url == "redis://redis:6379/0"
    assert settings.rate_limit_per_minute == 600
    assert not settings.otlp_endpoint  # tracing stays off until an endpoint is given


def test_it_will_not_start_without_a_database_password_or_ui_secret():
    url = SERVICES["screening"]["environment"]["SCREENING_DATABASE_URL"]
    with pytest.raises(KeyError, match="POSTGRES_PASSWORD"):
        interpolated(url, {})
    secret = SERVICES["screening"]["environment"]["SCREENING_UI_SECRET"]
    with pytest.raises(KeyError, match="SCREENING_UI_SECRET"):
        interpolated(secret, {})


def test_the_migrations_run_once_before_the_service_starts():
    assert SERVICES["migrate"]["restart"] == "no"
    assert SERVICES["migrate"]["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    assert SERVICES["screening"]["depends_on"] == {
        "migrate": {"condition": "service_completed_successfully"},
        "postgres": {"condition": "service_healthy"},
        "redis": {"condition": "service_healthy"},
    }


def test_both_run_the_dockerfiles_image_split_in_its_two_steps():
    migrate, serve = dockerfile_steps()
    assert SERVICES["migrate"]["command"] == shlex.split(migrate)
    assert SERVICES["screening"]["command"] == shlex.split(serve)
    for name in ("migrate", "screening"):
        assert SERVICES[name]["build"] == "."
        assert SERVICES[name]["image"] == SERVICES["screening"]["image"]
        # The commands are the CLI's own: each answers --help.
        command = SERVICES[name]["command"]
        assert command[0] == "screening"
        assert CliRunner().invoke(cli, [*command[1:], "--help"]).exit_code == 0
    dockerfile = (PROJECT_DIR / "Dockerfile").read_text(encoding="utf-8")
    assert "EXPOSE 8000" in dockerfile and SERVICES["screening"]["ports"] == ["8000:8000"]
    assert 'VOLUME ["/app/data"]' in dockerfile
    assert SERVICES["screening"]["volumes"] == ["screening-data:/app/data"]
    assert set(COMPOSE["volumes"]) == {"postgres-data", "screening-data"}
