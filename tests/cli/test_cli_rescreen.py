"""`screening rescreen` re-runs stored screenings locally and writes the report."""

import json
from pathlib import Path

from sqlmodel import Session
from typer.testing import CliRunner

from service.cli import app
from service.engine import Engine, ScreeningRequest
from service.store import batches, screenings
from tests.api.workflow import LFP_BEFORE_AMENDMENT

runner = CliRunner()


def test_rescreen_at_a_later_date_reports_the_changed_decision(
    database_url: str, engine: Engine, session: Session, tmp_path: Path
):
    request = ScreeningRequest.model_validate(LFP_BEFORE_AMENDMENT)
    row = screenings.add_screening(
        session=session,
        request=request,
        result=engine.screen(request),
        api_key_id=batches.local_key_id(session=session),
    )
    output = tmp_path / "report.json"
    env = {"SCREENING_DATABASE_URL": database_url}
    result = runner.invoke(app, ["rescreen", "--as-of", "2025-08-01", "-o", str(output)], env=env)
    assert result.exit_code == 0, result.output
    assert "1 screenings, 1 would change: allowed->approval-required 1" in result.output
    report = json.loads(output.read_text(encoding="utf-8"))
    assert [c["screening_id"] for c in report["changes"]] == [row.id]
    assert report["as_of"] == "2025-08-01"
