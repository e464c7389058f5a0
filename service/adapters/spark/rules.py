"""The rule set a Spark job screens with: its digest checked, its engine built once a process."""

from pathlib import Path

from service.engine import Engine, RuleSetError, load_ruleset
from service.engine.loader import MANIFEST_NAME, RuleSet

# One engine per (rules folder, digest) per Python process: Spark reuses its Python workers
# across tasks, so each executor process builds the engine once.
_ENGINES: dict[tuple[str, str], Engine] = {}


class RulesMismatch(RuleSetError):
    """The rule files do not digest to what ruleset.yaml records, or differ from the driver's."""

    code = "rules_mismatch"


def checked_ruleset(rules_dir: Path | str) -> RuleSet:
    """The rule set in `rules_dir`; RulesMismatch when the files do not match ruleset.yaml."""
    ruleset = load_ruleset(Path(rules_dir))
    if ruleset.recorded_digest != ruleset.digest:
        raise RulesMismatch(
            f"{rules_dir}: {MANIFEST_NAME} records digest {ruleset.recorded_digest} but the rule "
            f"files digest to {ruleset.digest}; the folder was changed after it was stamped, "
            "so this job refuses to screen with it"
        )
    return ruleset


def engine_for(rules_dir: str, digest: str) -> Engine:
    """This process's engine for the rules in `rules_dir`, which must digest to `digest`."""
    key = (rules_dir, digest)
    if key not in _ENGINES:
        ruleset = checked_ruleset(rules_dir)
        if ruleset.digest != digest:
            raise RulesMismatch(
                f"{rules_dir} on this executor digests to {ruleset.digest}, the driver's rules to "
                f"{digest}: ship the same rules folder to every node"
            )
        _ENGINES[key] = Engine(ruleset)
    return _ENGINES[key]
