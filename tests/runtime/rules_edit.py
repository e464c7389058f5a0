"""Changes to a copy of the rules folder, for reload tests."""

import re
import shutil
from pathlib import Path

from service.engine.loader import MANIFEST_NAME
from tests.conftest import RULES

GALLIUM_FILE = "MOFCOM-GAC-2023-23.yaml"
GAAS = {
    "transaction_type": "material_export",
    "description": "Gallium arsenide wafers, 6 inch",
    "destination_country": "DE",
    "as_of": "2026-11-28",
}


def copy_rules(target: Path) -> Path:
    """A copy of the real rules/ folder that a test may change."""
    shutil.copytree(RULES, target)
    return target


def ban_gallium_arsenide(rules: Path, version: str = "2099.01.01-1") -> None:
    """Make gallium arsenide prohibited and give the rule set a new version."""
    path = rules / GALLIUM_FILE
    text = path.read_text(encoding="utf-8")
    head, tail = text.split("  - id: gage-gallium-arsenide", 1)
    tail = tail.replace("control: restricted", "control: prohibited", 1)
    path.write_text(head + "  - id: gage-gallium-arsenide" + tail, encoding="utf-8")
    manifest = rules / MANIFEST_NAME
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(re.sub(r'^version: ".*"$', f'version: "{version}"', text, flags=re.M))


def break_gallium_arsenide(rules: Path) -> None:
    """Give the gallium arsenide category a field the schema does not know."""
    path = rules / GALLIUM_FILE
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("    title_zh: 砷化镓\n", "    title_zh: 砷化镓\n    colour: red\n", 1),
        encoding="utf-8",
    )
