"""A party-list change is a rule change: it moves the digest, and a re-screen picks it up and
names the listed entry that made the difference."""

import csv
import json
import shutil
from pathlib import Path

from sqlmodel import Session
from typer.testing import CliRunner

from service.cli import app
from service.engine import Engine, ScreeningRequest, load_ruleset
from service.store import batches, screenings
from tests.conftest import RULES

SKYDIO_DEAL = {
    "transaction_type": "material_export",
    "description": "Men's cotton knitted T-shirts, 5,000 pcs",
    "destination_country": "US",
    "as_of": "2026-03-01",
    "reference": "SKY-1",
    "parties": [{"role": "end_user", "name": "Skydio Inc", "country": "US"}],
}
UEL_ENTRY = "uel-2025-04-04.skydio-inc"


def end_suspension_early(rules: Path) -> None:
    """Edit the UEL notice of 2025-04-04 as if MOFCOM had ended its suspension on 2026-01-31."""
    path = rules / "parties" / "UEL-2025-04-04.yaml"
    text = path.read_text(encoding="utf-8")
    window = "    end: 2026-11-10\n    end_day_unclear: true\n"
    edited = text.replace(window, "    end: 2026-01-31\n")
    assert edited != text
    path.write_text(edited, encoding="utf-8")


def test_editing_a_party_file_changes_the_digest_and_a_rescreen_names_the_party(
    database_url: str, engine: Engine, session: Session, tmp_path: Path
):
    request = ScreeningRequest.model_validate(SKYDIO_DEAL)
    stored = screenings.add_screening(
        session=session,
        request=request,
        result=engine.screen(request),
        api_key_id=batches.local_key_id(session=session),
    )
    assert stored.decision == "allowed"  # suspended on the UEL, stopped on the control list
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules, ignore=shutil.ignore_patterns("scenarios"))
    end_suspension_early(rules)
    assert load_ruleset(rules).digest != engine.ruleset.digest

    env = {"SCREENING_DATABASE_URL": database_url, "SCREENING_RULES_DIR": str(rules)}
    output = tmp_path / "report.json"
    result = CliRunner().invoke(app, ["rescreen", "-o", str(output)], env=env)
    assert result.exit_code == 0, result.output
    assert "1 screenings, 1 would change: allowed->prohibited 1" in result.output
    [change] = json.loads(output.read_text(encoding="utf-8"))["changes"]
    assert (change["screening_id"], change["as_of"]) == (stored.id, "2026-03-01")
    assert change["categories"] == []
    assert change["parties"] == [{"entry_id": UEL_ENTRY, "list": "unreliable_entity_list"}]

    as_csv = tmp_path / "report.csv"
    assert CliRunner().invoke(app, ["rescreen", "-o", str(as_csv)], env=env).exit_code == 0
    with as_csv.open(encoding="utf-8", newline="") as handle:
        [row] = list(csv.DictReader(handle))
    assert row["parties"] == f"{UEL_ENTRY} (unreliable_entity_list)"
    assert row["categories"] == ""
