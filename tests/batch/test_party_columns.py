"""Batch rows name the deal's parties: counterparty as importer, end user and others by column."""

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from service.batch import reading
from service.batch.writing import OUTPUT_FIELDS, output_header
from service.cli import app

PARTIES_CSV = Path(__file__).parents[1] / "data" / "parties.csv"
SAMPLE = Path(__file__).parents[1] / "data" / "sample.csv"
HEADER = ["transaction_type", "description", "counterparty_name"]
HEADER += ["End_User_Name", "end_user_country"]


def test_party_columns_become_the_requests_parties():
    request = reading.to_request(
        HEADER, ["material_export", "plates", "Acme Inc.", "SUBARU Corporation", "JP"]
    )
    assert request.counterparty is not None and request.counterparty.name == "Acme Inc."
    assert [(p.role.value, p.name, p.country) for p in request.parties] == [
        ("end_user", "SUBARU Corporation", "JP")
    ]


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        (["material_export", "plates", "", "", "JP"], "end_user_country is given without"),
        (["material_export", "plates", "", "SUBARU", "Japan"], "parties.0.country"),
    ],
)
def test_a_country_without_a_name_or_a_bad_country_is_an_error_in_its_row(cells, message):
    with pytest.raises(ValueError, match=message):
        reading.to_request(HEADER, cells)


def test_party_columns_are_known_and_add_a_parties_result_column():
    check = reading.inspect_file(PARTIES_CSV, max_rows=10)
    assert check.unknown_columns == []
    assert output_header(check.header)[-2:] == ["error", "parties"]
    plain = reading.inspect_file(SAMPLE, max_rows=10).header
    assert output_header(plain)[len(plain) :] == list(OUTPUT_FIELDS)


def test_the_cli_screens_a_listed_end_user_and_shows_the_party_match(database_url, tmp_path):
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(
        app,
        ["screen", str(PARTIES_CSV), "-o", str(out)],
        env={"SCREENING_DATABASE_URL": database_url},
    )
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8", newline="") as handle:
        rows = {row["reference"]: row for row in csv.DictReader(handle)}
    lockheed = rows["PT-1"]
    assert lockheed["decision"] == "prohibited"
    said = "The end user 'Lockheed Martin Missiles & Fire Control' matches"
    assert said in lockheed["explanation"]
    assert (
        "end_user 'Lockheed Martin Missiles & Fire Control': hit 100 on "
        "uel-2025-01-02.lockheed-martin-missiles-and-fire-control (unreliable_entity_list, "
        "in_force) -> prohibited"
    ) in lockheed["parties"]
    assert (rows["PT-2"]["decision"], rows["PT-2"]["parties"]) == ("allowed", "")
    assert rows["PT-3"]["decision"] == "prohibited"
    assert "ecl-2026-02-24.ihi-aerospace-co-ltd (control_list" in rows["PT-3"]["parties"]
    assert rows["PT-4"]["error"] == "end_user_country is given without end_user_name"
