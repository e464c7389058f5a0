"""The rule README lists every canonical parameter, as generated from parameters.py."""

from service.config import PROJECT_DIR
from service.engine.parameter_table import markdown_table


def test_the_rules_readme_carries_the_current_parameter_table() -> None:
    readme = (PROJECT_DIR / "rules" / "README.md").read_text(encoding="utf-8")
    assert markdown_table() in readme, (
        "rules/README.md is out of step: paste `python -m service.engine.parameter_table` over it"
    )
