"""Reads rules/ into a validated, digested RuleSet, or fails naming file, field and category.

An instrument is one file, `rules/<ID>.yaml`, or one folder, `rules/<ID>/`. A folder's
`instrument.yaml` holds everything but the categories; every other `*.yaml` in the folder (in
subfolders too) holds a list of categories. Folder files are read in path order, so the file names
set the order of the categories, which is the order the catalogue lists them in.
"""

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import TypeAdapter, ValidationError

from service.engine.errors import RuleSetError
from service.engine.parties.schema import PartyFile
from service.engine.schema import (
    ID_PATTERN,
    Category,
    Instrument,
    Manifest,
    PartyThresholds,
    RuleFile,
)

MANIFEST_NAME = "ruleset.yaml"
PARTIES_DIR = "parties"
HEADER_NAME = "instrument.yaml"
_CATEGORY_LIST = TypeAdapter(list[Category])


@dataclass(frozen=True)
class RuleSet:
    """Every instrument and category of one rule-set version, with its content digest."""

    version: str
    digest: str
    recorded_digest: str
    match_threshold: float
    review_threshold: float
    # Keyed by source: "<ID>.yaml" for a file, "<ID>/" for a folder.
    files: dict[str, RuleFile]
    # Party lists, keyed "parties/<ID>.yaml"; empty when the rules have no parties/ folder.
    parties: dict[str, PartyFile] = field(default_factory=dict)
    party_thresholds: PartyThresholds = field(default_factory=PartyThresholds)
    instruments: dict[str, Instrument] = field(init=False)
    categories: dict[str, tuple[Instrument, Category]] = field(init=False)

    def __post_init__(self) -> None:
        instruments = {f.instrument.id: f.instrument for f in self.files.values()}
        categories = {c.id: (f.instrument, c) for f in self.files.values() for c in f.categories}
        object.__setattr__(self, "instruments", instruments)
        object.__setattr__(self, "categories", categories)


# The C loader when PyYAML was built with libyaml: it parses the rule files ten times faster.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _UniqueKeyLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """A safe YAML loader that refuses a mapping with the same key twice."""


def _construct_unique_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    mapping: dict[Any, Any] = loader.construct_mapping(node)
    return mapping


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_unique_mapping
)


def read_yaml(path: Path, label: str | None = None) -> Any:
    """Parse one YAML file, rejecting duplicate keys; errors name `label` (or the file) and line."""
    try:
        with path.open(encoding="utf-8") as handle:
            parsed: Any = yaml.load(handle, Loader=_UniqueKeyLoader)  # noqa: S506 - SafeLoader
        return parsed
    except yaml.YAMLError as exc:
        raise RuleSetError(f"{label or path.name}: {exc}") from exc


def _locate(data: Any, loc: tuple[int | str, ...]) -> str:
    """Turn a pydantic error location into 'categories[3] (id=x).field' text."""
    parts: list[str] = []
    node = data
    for step in loc:
        if isinstance(step, int):
            parts[-1] = f"{parts[-1]}[{step}]" if parts else f"[{step}]"
            if isinstance(node, list) and step < len(node):
                node = node[step]
                if isinstance(node, dict) and "id" in node:
                    parts[-1] += f" (id={node['id']})"
            continue
        parts.append(str(step))
        node = node.get(step) if isinstance(node, dict) else None
    return ".".join(parts)


def _invalid(
    label: str, data: Any, exc: ValidationError, prefix: tuple[str, ...] = ()
) -> RuleSetError:
    """One line per schema error: 'file: categories[3] (id=x).field: message'."""
    lines = [
        f"{label}: {_locate(data, (*prefix, *err['loc']))}: {err['msg']}" for err in exc.errors()
    ]
    return RuleSetError("\n".join(lines))


def _validate(label: str, data: Any) -> RuleFile:
    try:
        return RuleFile.model_validate(data)
    except ValidationError as exc:
        raise _invalid(label, data, exc) from exc


def parse_rule_file(path: Path) -> RuleFile:
    """Validate one instrument file against the schema; the file stem must be the instrument id."""
    rule_file = _validate(path.name, read_yaml(path))
    if rule_file.instrument.id != path.stem:
        raise RuleSetError(
            f"{path.name}: instrument.id {rule_file.instrument.id!r} differs from the file name"
        )
    return rule_file


def parse_category_file(path: Path, label: str) -> list[Category]:
    """Validate one file of an instrument folder: a list of categories."""
    data = read_yaml(path, label)
    if not isinstance(data, list):
        raise RuleSetError(f"{label}: expected a list of categories, found {type(data).__name__}")
    try:
        return _CATEGORY_LIST.validate_python(data)
    except ValidationError as exc:
        raise _invalid(label, {"categories": data}, exc, ("categories",)) from exc


def category_files(folder: Path) -> list[Path]:
    """An instrument folder's category files, in the order their categories are read."""
    found = [
        path
        for path in folder.rglob("*.yaml")
        if path.relative_to(folder).parts != (HEADER_NAME,)
        and not any(part.startswith(".") for part in path.relative_to(folder).parts)
    ]
    return sorted(found, key=lambda path: path.relative_to(folder).parts)


def parse_instrument_folder(folder: Path) -> tuple[RuleFile, dict[str, str]]:
    """Merge a folder into one RuleFile; also say which file each category came from."""
    label = f"{folder.name}/{HEADER_NAME}"
    if not (folder / HEADER_NAME).is_file():
        raise RuleSetError(f"{folder.name}/: no {HEADER_NAME} (the instrument)")
    data = read_yaml(folder / HEADER_NAME, label)
    if isinstance(data, dict) and "categories" in data:
        raise RuleSetError(f"{label}: categories: belong in the folder's other files")
    header = _validate(label, data)
    if header.instrument.id != folder.name:
        raise RuleSetError(
            f"{label}: instrument.id {header.instrument.id!r} differs from the folder name"
        )
    errors: list[str] = []
    categories: list[Category] = []
    origins: dict[str, str] = {}
    for path in category_files(folder):
        part = f"{folder.name}/{path.relative_to(folder).as_posix()}"
        try:
            found = parse_category_file(path, part)
        except RuleSetError as exc:
            errors.append(str(exc))
            continue
        for category in found:
            if category.id in origins:
                errors.append(
                    f"{part}: category id {category.id!r} also used in {origins[category.id]}"
                )
            origins[category.id] = part
            categories.append(category)
    if errors:
        raise RuleSetError("\n".join(errors))
    return header.model_copy(update={"categories": categories}), origins


def instrument_sources(directory: Path) -> list[Path]:
    """The instrument files and folders of a rules directory, in a fixed order."""
    files = [p for p in directory.glob("*.yaml") if p.name != MANIFEST_NAME]
    folders = [p for p in directory.iterdir() if p.is_dir() and re.match(ID_PATTERN, p.name)]
    return sorted(files + folders, key=lambda p: (f"{p.stem}.yaml", p.is_dir()))


def content_digest(files: dict[str, RuleFile], parties: dict[str, PartyFile] | None = None) -> str:
    """sha256 of the canonical JSON of every instrument and party list, independent of YAML layout.

    Each instrument is keyed `<ID>.yaml` whether it is one file or a folder, so a folder
    digests exactly like the single file it replaced; each party file `parties/<ID>.yaml`.
    A rule set without party files digests as it did before party lists existed.
    """
    canonical: dict[str, Any] = {
        f"{rule.instrument.id}.yaml": rule.model_dump(mode="json") for rule in files.values()
    }
    for party_file in (parties or {}).values():
        key = f"{PARTIES_DIR}/{party_file.announcement.id}.yaml"
        canonical[key] = party_file.model_dump(mode="json")
    blob = json.dumps(canonical, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _check_references(files: dict[str, RuleFile], origins: dict[str, dict[str, str]]) -> None:
    """Every id is unique and every cross-reference points at something that exists."""
    errors: list[str] = []
    instruments: dict[str, str] = {}
    for name, rule in files.items():
        if rule.instrument.id in instruments:
            errors.append(
                f"{name}: instrument id {rule.instrument.id!r} "
                f"also used in {instruments[rule.instrument.id]}"
            )
        instruments[rule.instrument.id] = name
    seen: dict[str, str] = {}
    for name, rule in files.items():
        ids = [c.id for c in rule.categories] + [m.id for m in rule.informal_measures]
        for cid in ids:
            where = origins.get(name, {}).get(cid, name)
            if cid in seen:
                errors.append(f"{where}: category id {cid!r} also used in {seen[cid]}")
            seen[cid] = where
    for name, rule in files.items():
        cited = list(rule.instrument.also_cited)
        for category in rule.categories:
            cited += category.also_cited
            trigger = category.triggered_by
            if trigger:
                cited += trigger.instruments
                where = origins.get(name, {}).get(category.id, name)
                errors += [
                    f"{where}: category {category.id}: triggered_by names unknown category {t!r}"
                    for t in trigger.categories
                    if t not in seen
                ]
        errors += [
            f"{name}: also_cited or triggered_by names unknown instrument {i!r}"
            for i in cited
            if i not in instruments
        ]
    if errors:
        raise RuleSetError("\n".join(errors))


def parse_party_file(path: Path) -> PartyFile:
    """Validate one party-list file; the file stem must be the announcement id."""
    label = f"{PARTIES_DIR}/{path.name}"
    data = read_yaml(path, label)
    try:
        party_file = PartyFile.model_validate(data)
    except ValidationError as exc:
        lines = [
            f"{label}: {_locate(data, tuple(err['loc']))}: {err['msg']}" for err in exc.errors()
        ]
        raise RuleSetError("\n".join(lines)) from exc
    if party_file.announcement.id != path.stem:
        raise RuleSetError(
            f"{label}: announcement.id {party_file.announcement.id!r} differs from the file name"
        )
    return party_file


def load_parties(directory: Path) -> dict[str, PartyFile]:
    """Every file of rules/parties/ (in subfolders too), validated; entry ids unique across all."""
    folder = directory / PARTIES_DIR
    if not folder.is_dir():
        return {}
    errors: list[str] = []
    parties: dict[str, PartyFile] = {}
    seen: dict[str, str] = {}
    paths = [
        p
        for p in folder.rglob("*.yaml")
        if not any(part.startswith(".") for part in p.relative_to(folder).parts)
    ]
    for path in sorted(paths, key=lambda p: p.relative_to(folder).parts):
        label = f"{PARTIES_DIR}/{path.relative_to(folder).as_posix()}"
        try:
            party_file = parse_party_file(path)
        except RuleSetError as exc:
            errors.append(str(exc))
            continue
        if path.stem in {Path(k).stem for k in parties}:
            errors.append(f"{label}: announcement id {path.stem!r} used twice")
        for entry in party_file.entries:
            if entry.id in seen:
                errors.append(f"{label}: entry id {entry.id!r} also used in {seen[entry.id]}")
            seen[entry.id] = label
        parties[label] = party_file
    if errors:
        raise RuleSetError("\n".join(errors))
    return parties


def load_ruleset(directory: Path) -> RuleSet:
    """Load and validate every instrument file and folder; raise RuleSetError naming each fault."""
    directory = Path(directory)
    manifest_path = directory / MANIFEST_NAME
    if not manifest_path.is_file():
        raise RuleSetError(f"{directory}: no {MANIFEST_NAME} (version and digest)")
    try:
        manifest = Manifest.model_validate(read_yaml(manifest_path))
    except ValidationError as exc:
        raise RuleSetError(f"{MANIFEST_NAME}: {exc}") from exc
    sources = instrument_sources(directory)
    if not sources:
        raise RuleSetError(f"{directory}: no instrument files")
    errors: list[str] = []
    files: dict[str, RuleFile] = {}
    origins: dict[str, dict[str, str]] = {}
    for path in sources:
        try:
            if path.is_dir():
                name = f"{path.name}/"
                files[name], origins[name] = parse_instrument_folder(path)
            else:
                files[path.name] = parse_rule_file(path)
        except RuleSetError as exc:
            errors.append(str(exc))
    if errors:
        raise RuleSetError("\n".join(errors))
    _check_references(files, origins)
    parties = load_parties(directory)
    return RuleSet(
        version=manifest.version,
        digest=content_digest(files, parties),
        recorded_digest=manifest.digest,
        match_threshold=manifest.match_threshold,
        review_threshold=manifest.review_threshold,
        files=files,
        parties=parties,
        party_thresholds=manifest.parties,
    )
