"""Reading batch files: encodings, header checks, rows into requests, safe output cells."""

import codecs
from pathlib import Path

import pytest

from service.batch import reading
from service.batch.writing import neutralise
from tests.data import make_gb18030_fixture

HEADER = "Transaction_Type,DESCRIPTION,destination_country,purity_pct,parameters,note\n"
ROW = 'material_export,High-purity gallium,US,99.9,"{""particle_size_um"": 5}",x\n'


def write(tmp_path: Path, data: bytes) -> Path:
    """A file holding `data`."""
    path = tmp_path / "in.csv"
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ((HEADER + ROW).encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + (HEADER + ROW).encode("utf-8"), "utf-8-sig"),
        ((HEADER + "material_export,高纯镓,US,,,\n").encode("gb18030"), "gb18030"),
        ((HEADER + "material_export,高纯镓,US,,,\n").encode("gbk"), "gb18030"),
    ],
)
def test_utf8_with_or_without_bom_and_gb18030_are_detected(tmp_path, data, expected):
    assert reading.detect_encoding(write(tmp_path, data)) == expected


def test_any_other_encoding_is_a_clear_error(tmp_path):
    path = write(tmp_path, (HEADER + ROW).encode("utf-16"))
    with pytest.raises(reading.BatchFileError, match="neither UTF-8"):
        reading.detect_encoding(path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the file is empty"),
        (HEADER, "header but no rows"),
        ("transaction_type,destination_country\nmaterial_export,US\n", "missing required"),
    ],
)
def test_empty_header_only_and_missing_columns_fail_before_any_work(tmp_path, text, message):
    with pytest.raises(reading.BatchFileError, match=message):
        reading.inspect_file(write(tmp_path, text.encode()), max_rows=10)


def test_too_many_rows_names_the_limit(tmp_path):
    with pytest.raises(reading.BatchTooLarge, match="the limit is 1 rows"):
        reading.inspect_file(write(tmp_path, (HEADER + ROW + ROW).encode()), max_rows=1)


def test_header_is_case_insensitive_and_unknown_columns_are_reported(tmp_path):
    encoding, header, unknown, total = reading.inspect_file(
        write(tmp_path, (HEADER + ROW + "\n").encode()), max_rows=10
    )
    assert (encoding, unknown, total) == ("utf-8", ["note"], 1)
    assert header[0] == "Transaction_Type"


def test_parameter_columns_and_the_json_column_merge():
    header = HEADER.strip().split(",")
    cells = ["material_export", "High-purity gallium", "US", "99.9", '{"particle_size_um": 5}', ""]
    request = reading.to_request(header, cells)
    assert request.parameters == {"purity_pct": 99.9, "particle_size_um": 5.0}
    assert request.destination_country == "US"


def test_engineer_columns_make_the_engineer():
    header = ["transaction_type", "description", "engineer_expertise", "engineer_work_country"]
    request = reading.to_request(header, ["engineer_hire", "Hire", "LFP sintering", "DE"])
    assert request.engineer is not None
    assert (request.engineer.expertise, request.engineer.work_country) == ("LFP sintering", "DE")


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        (["bicycle_sale", "x", "", "", "", ""], "transaction_type"),
        (["material_export", "x", "USA", "", "", ""], "destination_country"),
        (["material_export", "x", "", "lots", "", ""], "purity_pct must be a number"),
        (["material_export", "x", "", "", "{bad", ""], "parameters is not valid JSON"),
        (["material_export", "x", "", "", '{"speed": 1}', ""], "unknown parameter"),
    ],
)
def test_an_invalid_row_says_why(cells, message):
    with pytest.raises(ValueError, match=message):
        reading.to_request(HEADER.strip().split(","), cells)


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_formula_cells_are_neutralised(cell):
    assert neutralise(cell) == "'" + cell


def test_plain_cells_are_left_alone():
    assert neutralise("PO-1") == "PO-1"


def test_the_generated_gb18030_fixture_reads_back(tmp_path):
    path = make_gb18030_fixture.write(tmp_path / "gb.csv", 12)
    encoding, header, unknown, total = reading.inspect_file(path, max_rows=100)
    assert (encoding, unknown, total) == ("gb18030", ["备注"], 12)
    rows = list(reading.iter_csv_rows(path, encoding))
    assert rows[0][1][2].startswith("高纯镓")


def test_a_ragged_row_is_an_error_of_its_own():
    with pytest.raises(ValueError, match="the row has 2 cells; the header has 6"):
        reading.to_request(HEADER.strip().split(","), ["material_export", "x"])
