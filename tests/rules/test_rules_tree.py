"""An instrument may be one file or a folder: same RuleSet, same digest, same strict errors."""

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from service.config import PROJECT_DIR
from service.engine import RuleSetError, load_ruleset
from service.engine.loader import HEADER_NAME

RULES = PROJECT_DIR / "rules"
SPLIT = "MOFCOM-GAC-2023-23"  # a single-file instrument with several categories


def _copy_rules(target: Path) -> Path:
    """The real rule base, YAML only, in a folder a test may change."""
    shutil.copytree(RULES, target, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return target


def _dump(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=True), encoding="utf-8")


def _as_folder(rules: Path, instrument: str, groups: dict[str, list[int]]) -> Path:
    """Replace rules/<instrument>.yaml by a folder; `groups` maps file path to category indexes."""
    single = rules / f"{instrument}.yaml"
    data = yaml.safe_load(single.read_text(encoding="utf-8"))
    single.unlink()
    folder = rules / instrument
    categories = data.pop("categories")
    _dump(folder / HEADER_NAME, data)
    for name, indexes in groups.items():
        _dump(folder / name, [categories[i] for i in indexes])
    return folder


def _category_count(instrument: str) -> int:
    data = yaml.safe_load((RULES / f"{instrument}.yaml").read_text(encoding="utf-8"))
    return len(data["categories"])


def _load_error(rules: Path) -> str:
    with pytest.raises(RuleSetError) as caught:
        load_ruleset(rules)
    return str(caught.value)


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    """A throwaway copy of the real rules/ folder."""
    return _copy_rules(tmp_path / "rules")


def test_a_folder_digests_like_the_file_it_replaces(tmp_path: Path) -> None:
    as_file = load_ruleset(_copy_rules(tmp_path / "file"))
    n = _category_count(SPLIT)
    one_per_file = _copy_rules(tmp_path / "each")
    _as_folder(one_per_file, SPLIT, {f"items/{i:02d}.yaml": [i] for i in range(n)})
    grouped = _copy_rules(tmp_path / "grouped")
    half = n // 2
    _as_folder(
        grouped,
        SPLIT,
        {"a-first.yaml": list(range(half)), "b/rest/all.yaml": list(range(half, n))},
    )
    for layout in (one_per_file, grouped):
        as_folder = load_ruleset(layout)
        assert as_folder.digest == as_file.digest
        assert list(as_folder.categories) == list(as_file.categories)
        assert f"{SPLIT}/" in as_folder.files
    assert as_file.digest == as_file.recorded_digest


def test_category_order_is_content(rules: Path) -> None:
    """The catalogue lists categories in file order, so reordering them is a rule change."""
    before = load_ruleset(rules).digest
    n = _category_count(SPLIT)
    _as_folder(rules, SPLIT, {f"{n - i:02d}.yaml": [i] for i in range(n)})
    assert load_ruleset(rules).digest != before


def test_folder_files_are_read_in_path_order(rules: Path) -> None:
    _as_folder(rules, SPLIT, {"b.yaml": [0], "a/z.yaml": [1], "a.yaml": [2], "c/a.yaml": [3]})
    ruleset = load_ruleset(rules)
    order = [c.id for c in ruleset.files[f"{SPLIT}/"].categories]
    source = yaml.safe_load((RULES / f"{SPLIT}.yaml").read_text(encoding="utf-8"))
    ids = [c["id"] for c in source["categories"]]
    # ("a", "z.yaml") < ("a.yaml",) < ("b.yaml",) < ("c", "a.yaml"), comparing path parts.
    assert order[:4] == [ids[1], ids[2], ids[0], ids[3]]


def test_unknown_field_in_a_folder_file_names_path_category_and_field(rules: Path) -> None:
    folder = _as_folder(rules, SPLIT, {"x/one.yaml": [0], "two.yaml": [1, 2]})
    data = yaml.safe_load((folder / "two.yaml").read_text(encoding="utf-8"))
    data[1]["colour"] = "red"
    _dump(folder / "two.yaml", data)
    message = _load_error(rules)
    assert f"{SPLIT}/two.yaml: categories[1] (id={data[1]['id']}).colour" in message
    assert "Extra inputs are not permitted" in message


def test_duplicate_category_id_across_folder_files_names_both(rules: Path) -> None:
    folder = _as_folder(rules, SPLIT, {"a.yaml": [0], "b/c.yaml": [1]})
    first = yaml.safe_load((folder / "a.yaml").read_text(encoding="utf-8"))
    _dump(folder / "b" / "d.yaml", first)
    message = _load_error(rules)
    assert f"{SPLIT}/b/d.yaml: category id {first[0]['id']!r} also used in {SPLIT}/a.yaml" in (
        message
    )


def test_duplicate_category_id_across_instruments_names_the_folder_file(rules: Path) -> None:
    folder = _as_folder(rules, SPLIT, {"a.yaml": [0]})
    other = yaml.safe_load((rules / "MOFCOM-GAC-2023-39.yaml").read_text(encoding="utf-8"))
    _dump(folder / "b.yaml", [other["categories"][0]])
    message = _load_error(rules)
    cid = other["categories"][0]["id"]
    assert f"MOFCOM-GAC-2023-39.yaml: category id {cid!r} also used in {SPLIT}/b.yaml" in message


def test_unknown_trigger_names_the_folder_file(rules: Path) -> None:
    folder = _as_folder(rules, SPLIT, {"a.yaml": [0], "b.yaml": [1]})
    data = yaml.safe_load((folder / "b.yaml").read_text(encoding="utf-8"))
    data[0]["triggered_by"] = {"categories": ["no-such-category"]}
    _dump(folder / "b.yaml", data)
    assert f"{SPLIT}/b.yaml: category {data[0]['id']}: triggered_by names unknown" in (
        _load_error(rules)
    )


def test_duplicate_yaml_key_in_a_folder_file(rules: Path) -> None:
    folder = _as_folder(rules, SPLIT, {"a.yaml": [0]})
    (folder / "b.yaml").write_text("- id: x-one\n  id: x-two\n", encoding="utf-8")
    assert f"{SPLIT}/b.yaml: " in (message := _load_error(rules))
    assert "duplicate key 'id'" in message


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("id: x\n", "expected a list of categories, found dict"),
        ("", "expected a list of categories, found NoneType"),
    ],
)
def test_a_folder_file_is_a_list_of_categories(rules: Path, content: str, expected: str) -> None:
    folder = _as_folder(rules, SPLIT, {"a.yaml": [0]})
    (folder / "b.yaml").write_text(content, encoding="utf-8")
    assert f"{SPLIT}/b.yaml: {expected}" in _load_error(rules)


def test_categories_do_not_go_in_instrument_yaml(rules: Path) -> None:
    folder = _as_folder(rules, SPLIT, {"a.yaml": [0]})
    header = yaml.safe_load((folder / HEADER_NAME).read_text(encoding="utf-8"))
    header["categories"] = []
    _dump(folder / HEADER_NAME, header)
    assert f"{SPLIT}/instrument.yaml: categories: belong in" in _load_error(rules)


def test_instrument_yaml_is_checked_like_a_file(rules: Path) -> None:
    folder = _as_folder(rules, SPLIT, {"a.yaml": [0]})
    header = yaml.safe_load((folder / HEADER_NAME).read_text(encoding="utf-8"))
    header["instrument"]["effective"] = "2023-13-01"
    _dump(folder / HEADER_NAME, header)
    assert f"{SPLIT}/instrument.yaml: instrument.effective" in _load_error(rules)


def test_a_folder_needs_instrument_yaml(rules: Path) -> None:
    folder = _as_folder(rules, SPLIT, {"a.yaml": [0]})
    (folder / HEADER_NAME).unlink()
    assert f"{SPLIT}/: no instrument.yaml" in _load_error(rules)


def test_folder_name_must_be_the_instrument_id(rules: Path) -> None:
    folder = _as_folder(rules, SPLIT, {"a.yaml": [0]})
    folder.rename(rules / "GALLIUM")
    assert "GALLIUM/instrument.yaml: instrument.id" in _load_error(rules)


def test_an_instrument_is_a_file_or_a_folder_not_both(rules: Path) -> None:
    shutil.copy(RULES / f"{SPLIT}.yaml", rules / "kept.yaml")
    _as_folder(rules, SPLIT, {"a.yaml": list(range(_category_count(SPLIT)))})
    (rules / "kept.yaml").rename(rules / f"{SPLIT}.yaml")
    assert f"{SPLIT}/: instrument id {SPLIT!r} also used in {SPLIT}.yaml" in _load_error(rules)


def test_lower_case_folders_and_hidden_files_are_not_rules(rules: Path) -> None:
    folder = _as_folder(rules, SPLIT, {"a.yaml": list(range(_category_count(SPLIT)))})
    (folder / ".draft.yaml").write_text("not: [a list", encoding="utf-8")
    (rules / "notes").mkdir()
    (rules / "notes" / "x.yaml").write_text("{}", encoding="utf-8")
    assert load_ruleset(rules).digest == load_ruleset(RULES).digest
