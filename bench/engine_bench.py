"""Engine benchmark: screenings per second and latency in process, and growth with the rule base.

Usage: python bench/engine_bench.py [--seconds 5] [--json out.json]

The request mix is the labelled cases (shared development cases and rules/scenarios) plus
generated descriptions in English and Chinese, with and without parameters. Growth runs add
generated categories (10x and 100x the real count) with made-up terms, so candidate retrieval,
not a scan of every term, is what keeps the time flat.
"""

import argparse
import copy
import json
import random
import statistics
import string
import sys
import time
from datetime import date
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from service.engine import Engine, ScreeningRequest, load_ruleset  # noqa: E402
from service.engine.loader import RuleSet  # noqa: E402
from service.engine.parameters import PARAMETERS  # noqa: E402
from service.engine.schema import Category, RuleFile  # noqa: E402

TODAY = date(2026, 11, 28)
FILLERS = ["for", "new", "plant", "JV", "order", "PO", "batch", "2025", "urgent", "spec", "v2"]
ZH_FILLERS = ["出口", "订单", "合同", "许可", "项目", "批次"]


def labelled_requests() -> list[ScreeningRequest]:
    """Requests of the shared development cases and our own scenarios."""
    paths = [ROOT.parent / "shared" / "eval" / "dev-cases.yaml"]
    paths += sorted((ROOT / "rules" / "scenarios").glob("*.yaml"))
    requests = []
    for path in paths:
        if path.is_file():
            for case in yaml.safe_load(path.read_text(encoding="utf-8")):
                requests.append(ScreeningRequest.model_validate(case["request"]))
    return requests


def generated_requests(ruleset: RuleSet, count: int, seed: int = 7) -> list[ScreeningRequest]:
    """Descriptions built from category terms plus filler words, half with parameters."""
    rng = random.Random(seed)
    categories = [c for _, c in ruleset.categories.values() if c.terms or c.terms_zh]
    requests = []
    for position in range(count):
        category = rng.choice(categories)
        chinese = position % 3 == 0 and category.terms_zh
        term = rng.choice(category.terms_zh if chinese else category.terms or category.terms_zh)
        fillers = ZH_FILLERS if chinese else FILLERS
        words = [term, *rng.sample(fillers, 3)]
        rng.shuffle(words)
        parameters = {}
        if position % 2 and category.parameters:
            parameters = {
                p.name: min(
                    p.threshold * rng.choice([0.99, 1.01]), PARAMETERS[p.name].maximum or 1e9
                )
                for p in category.parameters
            }
        requests.append(
            ScreeningRequest(
                transaction_type=category.applies_to[0],
                description=" ".join(words),
                parameters=parameters,
                destination_country=rng.choice(["DE", "US", "JP", "KR", "VN"]),
                as_of=rng.choice([date(2024, 6, 1), date(2025, 8, 1), date(2026, 1, 15), TODAY]),
            )
        )
    return requests


def _pseudo_word(rng: random.Random) -> str:
    return "".join(rng.choices(string.ascii_lowercase, k=rng.randint(6, 10)))


def grown(ruleset: RuleSet, factor: int, seed: int = 11) -> RuleSet:
    """The rule set with (factor - 1) x its categories added as made-up look-alikes."""
    rng = random.Random(seed)
    files = dict(ruleset.files)
    originals = [c for f in ruleset.files.values() for c in f.categories if not c.triggered_by]
    extra: list[Category] = []
    for copy_number in range(factor - 1):
        for category in originals:
            terms = [f"{_pseudo_word(rng)} {_pseudo_word(rng)}" for _ in category.terms or ["x"]]
            extra.append(
                category.model_copy(
                    update={
                        "id": f"{category.id}-g{copy_number}",
                        "terms": terms,
                        "terms_zh": [],
                        "not_terms": [],
                        "hs_codes": [],
                    }
                )
            )
    synthetic = next(iter(ruleset.files.values()))
    files["~grown.yaml"] = RuleFile(
        instrument=copy.deepcopy(synthetic.instrument), categories=extra
    )
    return RuleSet(
        version=ruleset.version,
        digest=ruleset.digest,
        recorded_digest=ruleset.recorded_digest,
        match_threshold=ruleset.match_threshold,
        review_threshold=ruleset.review_threshold,
        files=files,
    )


def measure(engine: Engine, requests: list[ScreeningRequest], seconds: float) -> dict[str, float]:
    """Screen the mix round-robin for `seconds`; latency percentiles and throughput."""
    for request in requests:
        engine.screen(request, today=TODAY)
    latencies: list[float] = []
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        for request in requests:
            begin = time.perf_counter_ns()
            engine.screen(request, today=TODAY)
            latencies.append((time.perf_counter_ns() - begin) / 1e6)
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "screenings": len(latencies),
        "per_second": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies), 4),
        "p99_ms": round(latencies[int(len(latencies) * 0.99)], 4),
        "categories": len(engine.ruleset.categories),
    }


def main() -> None:
    """Run the in-process and growth benchmarks and print (or save) the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    ruleset = load_ruleset(ROOT / "rules")
    requests = labelled_requests() + generated_requests(ruleset, 1200)
    figures = {"requests_in_mix": len(requests)}
    for factor in (1, 10, 100):
        started = time.perf_counter()
        engine = Engine(ruleset if factor == 1 else grown(ruleset, factor))
        build = time.perf_counter() - started
        result = measure(engine, requests, args.seconds)
        result["index_build_s"] = round(build, 3)
        figures[f"x{factor}"] = result
        print(f"x{factor}: {result}", flush=True)
    base = figures["x1"]["p50_ms"]
    figures["growth_p50_x10"] = round(figures["x10"]["p50_ms"] / base, 2)
    figures["growth_p50_x100"] = round(figures["x100"]["p50_ms"] / base, 2)
    print(json.dumps(figures, indent=2))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
