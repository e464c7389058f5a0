"""Party-screening benchmark: what the party lists add to a screening, with the real lists and
with a big synthetic internal list. The garbage collector is tuned as in the server and the CLI.

Usage: python bench/party_bench.py [--seconds 5] [--entries 100000] [--json out.json]

Real lists (~270 entries): the engine benchmark's request mix screened without parties and
again with two parties each (listed names written another way, unlisted look-alikes, plain
unlisted firms), p50 per screening both ways; the difference is what party screening adds.
Big list: the real lists plus `--entries` synthetic entries (an internal list: company-like
names drawn Zipf-wise from a 30,000-word vocabulary with generic words and legal forms, a third
with Chinese names), the index build time and p50 of the same requests with two parties.
"""

import argparse
import dataclasses
import itertools
import json
import random
import statistics
import string
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from engine_bench import TODAY, generated_requests, labelled_requests  # noqa: E402

from service.engine import Engine, ScreeningRequest, load_ruleset  # noqa: E402
from service.engine.loader import RuleSet  # noqa: E402
from service.engine.parties.names import GENERIC_WORDS  # noqa: E402
from service.engine.parties.schema import PartyFile  # noqa: E402
from service.engine.parties.screen import PartyScreen  # noqa: E402
from service.gc_tuning import tune_garbage_collector  # noqa: E402

FORMS = ["Inc.", "Corp.", "LLC", "Ltd.", "GmbH", "S.A.", "Co., Ltd.", "AG", "B.V.", ""]
CJK = [chr(c) for c in range(0x4E00, 0x4E00 + 600)]
COUNTRIES = ["US", "JP", "DE", "GB", "FR", "KR", "TW", "PL", "CZ", "IN"]


def _typo(name: str, rng: random.Random) -> str:
    """One letter of the name replaced, as a clerk might."""
    spots = [i for i, c in enumerate(name) if c.isalpha()]
    if not spots:
        return name
    i = rng.choice(spots)
    return name[:i] + rng.choice(string.ascii_lowercase) + name[i + 1 :]


def query_names(ruleset: RuleSet, seed: int = 5) -> list[tuple[str, str | None]]:
    """Party names to screen: listed names with a legal form or a typo, look-alikes that are
    not listed (eval/parties-not-listed.yaml), and plain unrelated firms."""
    rng = random.Random(seed)
    listed = [e for f in ruleset.parties.values() for e in f.entries]
    unlisted = yaml.safe_load((ROOT / "eval" / "parties-not-listed.yaml").read_text("utf-8"))
    names: list[tuple[str, str | None]] = []
    for entry in rng.sample(listed, 120):
        name = entry.name_zh if entry.name_zh and rng.random() < 0.25 else entry.name
        names.append((_typo(name, rng) if rng.random() < 0.3 else name, entry.country))
    names += [(row["name"], row.get("country")) for row in rng.sample(unlisted, 240)]
    plain = ["Acme Apparel", "Nordic Furniture Trading", "Pacific Tableware", "Hansa Textil"]
    names += [(f"{rng.choice(plain)} {rng.choice(FORMS)}".strip(), "DE") for _ in range(40)]
    return names


def with_parties(
    requests: list[ScreeningRequest], names: list[tuple[str, str | None]], seed: int = 9
) -> list[ScreeningRequest]:
    """Each request with two parties: an importer and an end user."""
    rng = random.Random(seed)
    out = []
    for request in requests:
        (a, ca), (b, cb) = rng.sample(names, 2)
        body = request.model_dump(exclude={"counterparty"})
        body["parties"] = [
            {"role": "importer", "name": a, "country": ca},
            {"role": "end_user", "name": b, "country": cb},
        ]
        out.append(ScreeningRequest.model_validate(body))
    return out


def synthetic_list(count: int, seed: int = 13) -> PartyFile:
    """An internal list of `count` company-like entries."""
    rng = random.Random(seed)
    vocabulary = sorted(
        {"".join(rng.choices(string.ascii_lowercase, k=rng.randint(4, 10))) for _ in range(30000)}
    )
    vocabulary += sorted(GENERIC_WORDS)
    rng.shuffle(vocabulary)
    cumulative = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(vocabulary))))
    entries = []
    for n in range(count):
        words = rng.choices(vocabulary, cum_weights=cumulative, k=rng.randint(2, 4))
        name = " ".join(w.capitalize() for w in words) + " " + rng.choice(FORMS)
        entry = {"id": f"big.e{n}", "name": name.strip(), "country": rng.choice(COUNTRIES)}
        if n % 3 == 0:
            entry["name_zh"] = "".join(rng.choices(CJK, k=rng.randint(3, 6))) + "有限公司"
        entries.append(entry)
    return PartyFile.model_validate(
        {
            "announcement": {
                "id": "BIG-INTERNAL",
                "list": "internal",
                "issuer": "benchmark",
                "title": "synthetic internal list",
                "published": "2024-01-01",
                "verified_on": "2026-11-01",
                "measures": ["all_trade_ban"],
                "summary": "Synthetic entries for the benchmark.",
            },
            "entries": entries,
        }
    )


def grown(ruleset: RuleSet, big: PartyFile) -> RuleSet:
    """The rule set with the synthetic list added to its party files."""
    parties = {**ruleset.parties, "parties/internal/BIG-INTERNAL.yaml": big}
    return dataclasses.replace(ruleset, parties=parties)


def p50(engine: Engine, requests: list[ScreeningRequest], seconds: float) -> dict[str, float]:
    """Screen the mix round robin for `seconds`: p50 and p99 of the wall time, and p50 of the
    thread's CPU time (which other processes on a busy machine inflate less)."""
    for request in requests:
        engine.screen(request, today=TODAY)
    latencies: list[float] = []
    cpu: list[float] = []
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        for request in requests:
            begin, begin_cpu = time.perf_counter_ns(), time.thread_time_ns()
            engine.screen(request, today=TODAY)
            cpu.append((time.thread_time_ns() - begin_cpu) / 1e6)
            latencies.append((time.perf_counter_ns() - begin) / 1e6)
    latencies.sort()
    return {
        "screenings": len(latencies),
        "p50_ms": round(statistics.median(latencies), 4),
        "p99_ms": round(latencies[int(len(latencies) * 0.99)], 4),
        "cpu_p50_ms": round(statistics.median(cpu), 4),
    }


def paired_added(
    engine: Engine, plain: list[ScreeningRequest], two: list[ScreeningRequest], seconds: float
) -> float:
    """Median over requests of the CPU ms two parties add: each request screened without and
    with its parties back to back, so both see the same machine."""
    added: list[float] = []
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        for without, with_parties in zip(plain, two, strict=True):
            begin = time.thread_time_ns()
            engine.screen(without, today=TODAY)
            middle = time.thread_time_ns()
            engine.screen(with_parties, today=TODAY)
            added.append(((time.thread_time_ns() - middle) - (middle - begin)) / 1e6)
    return round(statistics.median(added), 4)


def party_step(screen: PartyScreen, requests: list[ScreeningRequest], rounds: int = 5) -> float:
    """p50 CPU ms of the party step alone (both parties matched, decided and said)."""
    times = []
    for _ in range(rounds):
        for request in requests:
            begin = time.thread_time_ns()
            screen.screen(request, request.as_of or TODAY, False)
            times.append((time.thread_time_ns() - begin) / 1e6)
    return round(statistics.median(times), 4)


def big_recall(screen: PartyScreen, big: PartyFile, seed: int = 3) -> tuple[float, float]:
    """Shares of 300 synthetic entries found when queried with one typo, and exactly."""
    rng = random.Random(seed)
    sample = rng.sample(big.entries, 300)
    typo = sum(any(h.key == e.id for h in screen.index.search(_typo(e.name, rng))) for e in sample)
    exact = sum(any(h.key == e.id for h in screen.index.search(e.name)) for e in sample)
    return round(typo / len(sample), 3), round(exact / len(sample), 3)


def main() -> None:
    """Measure the real lists, then the big list, and print (or save) the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    tune_garbage_collector()  # as the server and the CLI do
    ruleset = load_ruleset(ROOT / "rules")
    plain = labelled_requests() + generated_requests(ruleset, 1200)
    plain = [ScreeningRequest.model_validate(r.model_dump(exclude={"counterparty"})) for r in plain]
    two = with_parties(plain, query_names(ruleset))
    engine = Engine(ruleset)
    without, with_two = p50(engine, plain, args.seconds), p50(engine, two, args.seconds)
    real = {
        "entries": len(engine.parties.entries),
        "without_parties": without,
        "with_two_parties": with_two,
        "added_p50_ms": round(with_two["p50_ms"] - without["p50_ms"], 4),
        "added_cpu_p50_ms": round(with_two["cpu_p50_ms"] - without["cpu_p50_ms"], 4),
        "added_cpu_paired_median_ms": paired_added(engine, plain, two, args.seconds),
        "party_step_p50_ms": party_step(engine.parties, two),
    }
    print(f"real lists: {real}", flush=True)
    started = time.perf_counter()
    big_list = synthetic_list(args.entries)
    generated = time.perf_counter() - started
    big_rules = grown(ruleset, big_list)
    started, started_cpu = time.perf_counter(), time.process_time()
    big_screen = PartyScreen(big_rules)
    build, build_cpu = time.perf_counter() - started, time.process_time() - started_cpu
    big_engine = Engine(big_rules)
    big = {
        "entries": len(big_screen.entries),
        "names_indexed": len(big_screen.index.names),
        "list_generated_s": round(generated, 2),
        "index_build_s": round(build, 3),
        "index_build_cpu_s": round(build_cpu, 3),
        "with_two_parties": p50(big_engine, two, args.seconds),
        "party_step_p50_ms": party_step(big_screen, two),
    }
    big["typo_recall"], big["exact_recall"] = big_recall(big_screen, big_list)
    print(f"big list: {big}", flush=True)
    figures = {"requests_in_mix": len(two), "real": real, "big": big}
    print(json.dumps(figures, indent=2))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
