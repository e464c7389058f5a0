"""The rule loader fails loudly, naming file, field and category, on every kind of bad rule file."""

from pathlib import Path

import pytest

from service.engine import RuleSetError, load_ruleset
from tests.engine.conftest import toy_files, write_ruleset


def _broken(tmp_path: Path, change) -> str:
    files = toy_files()
    change(files)
    with pytest.raises(RuleSetError) as caught:
        write_ruleset(tmp_path, files)
    return str(caught.value)


def test_toy_rules_load_with_a_stable_digest(tmp_path):
    first = write_ruleset(tmp_path / "a", toy_files())
    second = write_ruleset(tmp_path / "b", toy_files())
    assert first.digest == second.digest
    assert first.digest.startswith("sha256:")
    assert len(first.categories) == 11


def test_digest_changes_with_content(tmp_path):
    files = toy_files()
    files["TEST-GALLIUM"]["categories"][0]["terms"].append("GaAs ingot")
    assert (
        write_ruleset(tmp_path / "a", files).digest
        != write_ruleset(tmp_path / "b", toy_files()).digest
    )


def test_unknown_field_names_file_category_and_field(tmp_path):
    def change(files):
        files["TEST-GALLIUM"]["categories"][0]["colour"] = "red"

    message = _broken(tmp_path, change)
    assert "TEST-GALLIUM.yaml" in message
    assert "categories[0] (id=ga-gaas).colour" in message
    assert "Extra inputs are not permitted" in message


def test_bad_date(tmp_path):
    def change(files):
        files["TEST-GALLIUM"]["instrument"]["effective"] = "2023-13-01"

    assert "instrument.effective" in _broken(tmp_path, change)


def test_threshold_without_unit(tmp_path):
    def change(files):
        del files["TEST-CATALOGUE"]["categories"][0]["parameters"][0]["unit"]

    message = _broken(tmp_path, change)
    assert "(id=cat-lfp).parameters[0].unit" in message


def test_unknown_parameter_name(tmp_path):
    def change(files):
        files["TEST-CATALOGUE"]["categories"][0]["parameters"][0]["name"] = "compaction"

    assert "unknown parameter 'compaction'" in _broken(tmp_path, change)


def test_duplicate_category_id_across_files(tmp_path):
    def change(files):
        files["TEST-GALLIUM"]["categories"][0]["id"] = "cat-lfp"

    assert "category id 'cat-lfp' also used" in _broken(tmp_path, change)


def test_unknown_instrument_reference(tmp_path):
    def change(files):
        files["TEST-GALLIUM"]["categories"][0]["also_cited"] = ["NOPE-1"]

    assert "unknown instrument 'NOPE-1'" in _broken(tmp_path, change)


def test_duplicate_yaml_key_is_rejected(tmp_path):
    write_ruleset(tmp_path, toy_files())
    path = tmp_path / "TEST-GALLIUM.yaml"
    path.write_text(path.read_text() + "categories: []\n", encoding="utf-8")
    with pytest.raises(RuleSetError, match="duplicate key 'categories'"):
        load_ruleset(tmp_path)


def test_file_name_must_be_the_instrument_id(tmp_path):
    write_ruleset(tmp_path, toy_files())
    (tmp_path / "TEST-GALLIUM.yaml").rename(tmp_path / "GALLIUM.yaml")
    with pytest.raises(RuleSetError, match="differs from the file name"):
        load_ruleset(tmp_path)


@pytest.mark.parametrize(
    ("operator", "at_most", "message"),
    [
        (">=", 300, "does not fall below the threshold"),
        ("<=", 250, "only make sense on '>=' or '>'"),
    ],
)
def test_a_ceiling_must_settle_its_threshold(tmp_path, operator, at_most, message):
    files = toy_files()
    condition = files["TEST-GOODS"]["categories"][0]["parameters"][0]
    condition["operator"] = operator
    condition["ceilings"][0]["at_most"] = at_most
    with pytest.raises(RuleSetError, match=message):
        write_ruleset(tmp_path, files)
