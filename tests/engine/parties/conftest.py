"""Party tests screen against the real rules/ (loaded once per session by the root `engine`
fixture); window and internal-list tests write small party files to a temporary rules folder."""

import shutil
from pathlib import Path

import pytest

RULES = Path(__file__).resolve().parents[3] / "rules"


@pytest.fixture
def rules_copy(tmp_path: Path) -> Path:
    """A writable copy of rules/ (instruments and parties)."""
    target = tmp_path / "rules"
    shutil.copytree(RULES, target, ignore=shutil.ignore_patterns("scenarios"))
    return target
