"""Makes pytest collect this folder's YAML: `pytest rules/<file or folder>` runs its examples.

The collector lives in tests/rules/collector.py; see there for the node names.
"""

from tests.rules.collector import pytest_collect_file

__all__ = ["pytest_collect_file"]
