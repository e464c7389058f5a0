"""The screening engine: pure Python, no web framework, no database.

Use it as a library::

    ruleset = load_ruleset(Path("rules"))
    engine = Engine(ruleset)
    result = engine.screen(ScreeningRequest(transaction_type="material_export",
                                            description="Gallium arsenide wafers"))
"""

from service.engine.engine import Engine
from service.engine.errors import RuleSetError, ScreeningError
from service.engine.loader import RuleSet, load_ruleset
from service.engine.models import Decision, ScreeningRequest, ScreeningResult

__all__ = [
    "Decision",
    "Engine",
    "RuleSet",
    "RuleSetError",
    "ScreeningError",
    "ScreeningRequest",
    "ScreeningResult",
    "load_ruleset",
]
