#!/usr/bin/env python3
"""Screen every labelled set against a running service and report each set's figures.

Usage: eval_sets.py --url URL --api-key KEY [--set NAME=FILE ...] [--today YYYY-MM-DD]

For each set (and, within it, each group of cases sharing the letter their id starts with):
accuracy, false-`allowed` (a controlled case answered `allowed`; must be 0), the `unknown` rate
and the citation check. A case without `as_of` is screened at --today, so a set stays
reproducible after the rules' dates pass. Then the rule examples are screened in perturbed
forms in process, and the share whose decision stayed the same is reported per perturbation.
Exits non-zero on any false `allowed`, failed request or perturbed example answered `allowed`,
and when a set marked `min=1.0` falls below that accuracy.
"""

import argparse
import json
import sys
import urllib.error
import urllib.request
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from service.config import PROJECT_DIR  # noqa: E402
from service.engine import Engine, load_ruleset  # noqa: E402
from service.evaluation.party_matching import party_matching  # noqa: E402
from service.evaluation.stability import perturbation_stability  # noqa: E402

CONTROLLED = {"prohibited", "approval-required"}
DEFAULT_SETS = [
    "dev=../shared/eval/dev-cases.yaml:min=1.0",
    "heldout=bench/heldout/cases.yaml",
    "catalogue-and-ordinary=eval/catalogue-and-ordinary.yaml",
    "ordinary-goods=eval/ordinary-goods.yaml",
    "dual-use=eval/dual-use.yaml",
    "parties=eval/parties.yaml",
]


@dataclass
class Tally:
    """Counts for one set or group."""

    cases: int = 0
    correct: int = 0
    false_allowed: int = 0
    unknown: int = 0
    errors: int = 0
    cited: int = 0
    citable: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, case: dict[str, Any], status: int, answer: Any) -> None:
        """Grade one answer."""
        self.cases += 1
        if status not in (200, 201) or not isinstance(answer, dict):
            self.errors += 1
            self.misses.append(f"{case['id']}: HTTP {status}: {str(answer)[:200]}")
            return
        got = answer["decision"]
        accept = {case["expect"], *case.get("accept", [])}
        self.correct += got in accept
        self.unknown += got == "unknown"
        if got == "allowed" and "allowed" not in accept:
            self.false_allowed += 1
        wanted = case.get("instruments", [])
        if got in CONTROLLED and wanted:
            self.citable += 1
            self.cited += any(i in json.dumps(answer["matches"]) for i in wanted)
        if got not in accept:
            self.misses.append(f"{case['id']}: expected {case['expect']}, got {got}")

    def line(self, name: str) -> str:
        """One summary line."""
        accuracy = self.correct / self.cases if self.cases else 0.0
        unknown = self.unknown / self.cases if self.cases else 0.0
        return (
            f"{name}: {self.cases} cases, accuracy {accuracy:.1%}, false-allowed "
            f"{self.false_allowed}, unknown {unknown:.1%}, citations {self.cited}/{self.citable}, "
            f"errors {self.errors}"
        )


def screen(url: str, key: str, body: dict[str, Any]) -> tuple[int, Any]:
    """POST one request; the status and the parsed answer (or the error text)."""
    request = urllib.request.Request(
        url.rstrip("/") + "/v1/screenings",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "X-API-Key": key},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode(errors="replace")


def run_set(url: str, key: str, path: Path, today: str) -> dict[str, Tally]:
    """Grade every case of one file; the whole set under '' and each id letter on its own."""
    tallies: dict[str, Tally] = defaultdict(Tally)
    for case in yaml.safe_load(path.read_text(encoding="utf-8")):
        body = {"as_of": today} | case["request"]
        status, answer = screen(url, key, body)
        for group in ("", case["id"][0]):
            tallies[group].add(case, status, answer)
    return tallies


def print_party_matching(engine: Engine) -> None:
    """Party-name recall on eval/parties.yaml and the no-hit share on the unlisted names."""
    cases_path, unlisted_path = ROOT / "eval/parties.yaml", ROOT / "eval/parties-not-listed.yaml"
    if not (cases_path.is_file() and unlisted_path.is_file()):
        return
    cases = yaml.safe_load(cases_path.read_text(encoding="utf-8"))
    unlisted = yaml.safe_load(unlisted_path.read_text(encoding="utf-8"))
    sure = [row for row in unlisted if not row.get("unsure")]
    for label, names in (("all", unlisted), ("without unsure", sure)):
        report = party_matching(engine, cases, names)
        print(
            f"party names ({label}): recall {report.recall:.1%} of {report.listed} listed; "
            f"{report.not_listed} unlisted names: {report.precision_on_unlisted:.1%} no hit, "
            f"{report.hits} hits, {report.possible_hits} possible hits"
        )


def main() -> int:
    """Run every set, print the figures, and say whether the run passes."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--api-key", required=True)
    parser.add_argument("--set", action="append", dest="sets", help="NAME=FILE[:min=F]")
    parser.add_argument("--today", default="2026-11-28")
    parser.add_argument("--quiet", action="store_true", help="only the summary lines")
    args = parser.parse_args()
    ok = True
    for spec in args.sets or DEFAULT_SETS:
        name, _, rest = spec.partition("=")
        file, _, minimum = rest.partition(":min=")
        path = ROOT / file
        if not path.is_file():
            print(f"{name}: skipped, {file} not found")
            continue
        tallies = run_set(args.url, args.api_key, path, args.today)
        whole = tallies.pop("")
        print(whole.line(name))
        for group, tally in sorted(tallies.items()):
            print("  " + tally.line(f"{name}/{group}"))
        if not args.quiet:
            print("".join(f"    {miss}\n" for miss in whole.misses), end="")
        accuracy = whole.correct / whole.cases if whole.cases else 0.0
        ok &= not whole.false_allowed and not whole.errors
        ok &= not minimum or accuracy >= float(minimum)
    engine = Engine(load_ruleset(PROJECT_DIR / "rules"))
    print_party_matching(engine)
    report = perturbation_stability(engine)
    print("perturbed controlled rule examples, decision unchanged:")
    for kind in sorted(report.screened):
        print(f"  {kind}: {report.rate(kind):.1%} of {report.screened[kind]}")
    print(f"  answered allowed: {len(report.slips)}")
    ok &= not report.slips
    print("eval: PASS" if ok else "eval: FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
