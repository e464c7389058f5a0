"""Reads rules/ into a validated, digested RuleSet, or fails naming file, field and category."""

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from service.engine.errors import RuleSetError
from service.engine.schema import Category, Instrument, Manifest, RuleFile

MANIFEST_NAME = "ruleset.yaml"


@dataclass(frozen=True)
class RuleSet:
    """Every instrument and category of one rule-set version, with its content digest."""

    version: str
    digest: str
    recorded_digest: str
    match_threshold: float
    review_threshold: float
    files: dict[str, RuleFile]
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


def _construct_unique_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode) -> dict:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node)


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_unique_mapping
)


def read_yaml(path: Path) -> Any:
    """Parse one YAML file, rejecting duplicate keys, with errors that name the file and line."""
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.load(handle, Loader=_UniqueKeyLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError as exc:
        raise RuleSetError(f"{path.name}: {exc}") from exc


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


def parse_rule_file(path: Path) -> RuleFile:
    """Validate one instrument file against the schema; the file stem must be the instrument id."""
    data = read_yaml(path)
    try:
        rule_file = RuleFile.model_validate(data)
    except ValidationError as exc:
        lines = [f"{path.name}: {_locate(data, err['loc'])}: {err['msg']}" for err in exc.errors()]
        raise RuleSetError("\n".join(lines)) from exc
    if rule_file.instrument.id != path.stem:
        raise RuleSetError(
            f"{path.name}: instrument.id {rule_file.instrument.id!r} differs from the file name"
        )
    return rule_file


def content_digest(files: dict[str, RuleFile]) -> str:
    """sha256 of the canonical JSON of every instrument file, independent of YAML layout."""
    canonical = {name: rule.model_dump(mode="json") for name, rule in sorted(files.items())}
    blob = json.dumps(canonical, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _check_references(files: dict[str, RuleFile]) -> None:
    """Every id is unique and every cross-reference points at something that exists."""
    errors: list[str] = []
    instrument_ids = {f.instrument.id for f in files.values()}
    seen: dict[str, str] = {}
    for name, rule in files.items():
        ids = [c.id for c in rule.categories] + [m.id for m in rule.informal_measures]
        for cid in ids:
            if cid in seen:
                errors.append(f"{name}: category id {cid!r} also used in {seen[cid]}")
            seen[cid] = name
    for name, rule in files.items():
        cited = list(rule.instrument.also_cited)
        for category in rule.categories:
            cited += category.also_cited
            trigger = category.triggered_by
            if trigger:
                cited += trigger.instruments
                errors += [
                    f"{name}: category {category.id}: triggered_by names unknown category {t!r}"
                    for t in trigger.categories
                    if t not in seen
                ]
        errors += [
            f"{name}: also_cited or triggered_by names unknown instrument {i!r}"
            for i in cited
            if i not in instrument_ids
        ]
    if errors:
        raise RuleSetError("\n".join(errors))


def load_ruleset(directory: Path) -> RuleSet:
    """Load and validate every rules/*.yaml; raise RuleSetError listing what is wrong."""
    directory = Path(directory)
    manifest_path = directory / MANIFEST_NAME
    if not manifest_path.is_file():
        raise RuleSetError(f"{directory}: no {MANIFEST_NAME} (version and digest)")
    try:
        manifest = Manifest.model_validate(read_yaml(manifest_path))
    except ValidationError as exc:
        raise RuleSetError(f"{MANIFEST_NAME}: {exc}") from exc
    paths = sorted(p for p in directory.glob("*.yaml") if p.name != MANIFEST_NAME)
    if not paths:
        raise RuleSetError(f"{directory}: no instrument files")
    errors: list[str] = []
    files: dict[str, RuleFile] = {}
    for path in paths:
        try:
            files[path.name] = parse_rule_file(path)
        except RuleSetError as exc:
            errors.append(str(exc))
    if errors:
        raise RuleSetError("\n".join(errors))
    _check_references(files)
    return RuleSet(
        version=manifest.version,
        digest=content_digest(files),
        recorded_digest=manifest.digest,
        match_threshold=manifest.match_threshold,
        review_threshold=manifest.review_threshold,
        files=files,
    )
