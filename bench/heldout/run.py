"""Screen the held-out labelled cases in process and report how well the engine generalises.

Usage: python bench/heldout/run.py [--cases FILE] [--rules DIR] [--json OUT]

The cases (bench/heldout/cases.yaml) were written from the law only, never from the rule
files, in the format of ../shared/eval/dev-cases.yaml. Each is screened with today fixed to
2026-11-28 and graded: correct when the decision is `expect` or one of `accept`; a controlled
answer must cite at least one of `instruments`. This is a measurement, not a test: the exit
code is always 0.
"""

import argparse
import json
import sys
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

from service.engine import Engine, ScreeningRequest, load_ruleset  # noqa: E402

TODAY = date(2026, 11, 28)
CONTROLLED = {"prohibited", "approval-required"}


@dataclass
class Graded:
    """One case's outcome."""

    id: str
    expect: str
    accept: list[str]
    got: str | None
    description: str
    correct: bool
    citation_ok: bool | None
    error: str | None = None


def grade(engine: Engine, case: dict[str, Any]) -> Graded:
    """Screen one case and compare the answer with its label."""
    accept = [case["expect"], *case.get("accept", [])]
    description = str(case["request"].get("description", ""))
    try:
        request = ScreeningRequest.model_validate(case["request"])
        result = engine.screen(request, today=TODAY)
    except Exception as err:  # noqa: BLE001 - a failing case is recorded, not fatal
        message = f"{type(err).__name__}: {err}"[:300]
        return Graded(case["id"], case["expect"], accept, None, description, False, None, message)
    got = str(result.decision)
    wanted = case.get("instruments", [])
    citation_ok = None
    if got in CONTROLLED and wanted:
        cited = json.dumps([m.model_dump(mode="json") for m in result.matches])
        citation_ok = any(instrument in cited for instrument in wanted)
    return Graded(case["id"], case["expect"], accept, got, description, got in accept, citation_ok)


def summarise(rows: list[Graded]) -> dict[str, Any]:
    """Counts by failure kind, and the wrong cases."""
    wrong = [r for r in rows if not r.correct]
    total = len(rows)
    correct = total - len(wrong)
    false_allowed = [r for r in wrong if r.got == "allowed"]
    needless_unknown = [r for r in wrong if r.got == "unknown" and r.expect != "unknown"]
    wrong_level = [r for r in wrong if r.got in CONTROLLED and r.expect in CONTROLLED]
    over_controlled = [r for r in wrong if r.got in CONTROLLED and r.expect not in CONTROLLED]
    missing_citations = [r for r in rows if r.citation_ok is False]
    errors = [r for r in rows if r.error]
    return {
        "today": TODAY.isoformat(),
        "total": total,
        "correct": correct,
        "accuracy": round(correct / total, 4) if total else 0.0,
        "false_allowed": len(false_allowed),
        "needless_unknown": len(needless_unknown),
        "wrong_controlled_level": len(wrong_level),
        "over_controlled": len(over_controlled),
        "missing_citations": len(missing_citations),
        "errors": len(errors),
        "wrong": [asdict(r) for r in wrong],
        "missing_citation_ids": [r.id for r in missing_citations],
    }


def main() -> int:
    """Load the engine, screen every case, print the summary; always return 0."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=Path, default=HERE / "cases.yaml")
    parser.add_argument("--rules", type=Path, default=ROOT / "rules")
    parser.add_argument("--json", type=Path, default=None, help="write the summary to this file")
    args = parser.parse_args()

    cases = yaml.safe_load(args.cases.read_text(encoding="utf-8"))
    try:
        engine = Engine(load_ruleset(args.rules))
    except Exception as err:  # noqa: BLE001 - report and stop without failing
        print(f"heldout: cannot load the rule set from {args.rules}: {err}")
        return 0
    rows = [grade(engine, case) for case in cases]
    summary = summarise(rows)

    print(f"total               {summary['total']}")
    print(f"correct             {summary['correct']}")
    print(f"accuracy            {summary['accuracy']:.1%}")
    print(f"false allowed       {summary['false_allowed']}")
    print(f"needless unknown    {summary['needless_unknown']}")
    print(f"wrong ctrl level    {summary['wrong_controlled_level']}")
    print(f"over-controlled     {summary['over_controlled']}")
    print(f"missing citations   {summary['missing_citations']}")
    print(f"errors              {summary['errors']}")
    for row in rows:
        if not row.correct:
            got = row.got or f"ERROR {row.error}"
            expected = "/".join(row.accept)
            print(f"{row.id}: expected {expected}, got {got} | {row.description}")
        elif row.citation_ok is False:
            print(
                f"{row.id}: {row.got} but none of the expected instruments cited | "
                f"{row.description}"
            )
    if args.json:
        args.json.write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
