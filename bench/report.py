"""Writes bench/RESULTS.md from the JSON files of a benchmark run, so the report is reproducible.

Usage: python bench/report.py bench/results [-o bench/RESULTS.md]
"""

import argparse
import json
import os
import platform
import subprocess
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def verdict(ok: bool) -> str:
    """PASS or MISS."""
    return "PASS" if ok else "MISS"


def machine() -> list[str]:
    """Cores, memory, load, Python, commit and date, as Markdown list lines."""
    memory_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal:")
    )
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout.strip()
    return [
        f"- cores (`nproc`): {os.cpu_count()}; CPU: {platform.processor() or platform.machine()}",
        f"- memory: {memory_kb / 1024 / 1024:.1f} GiB",
        f"- load average when the report was written: {' '.join(open('/proc/loadavg').read().split()[:3])}",  # noqa: E501
        f"- Python {platform.python_version()} on {platform.platform()}",
        f"- git commit: {commit}{' (with uncommitted changes)' if dirty else ''}",
        f"- date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
    ]


def engine_section(engine: dict) -> list[str]:
    """Measurements 1 and 2: the engine in process and its growth with the rule base."""
    x1 = engine["x1"]
    lines = [
        "## 1. Engine in process (one core)",
        "",
        f"Mix: {engine['requests_in_mix']} requests (development cases, scenarios, generated "
        "EN/ZH descriptions with and without parameters), round robin.",
        "",
        "| figure | measured | target | |",
        "|---|---|---|---|",
        f"| p50 per screening | {x1['p50_ms']} ms | < 0.3 ms | {verdict(x1['p50_ms'] < 0.3)} |",
        f"| p99 per screening | {x1['p99_ms']} ms | | |",
        f"| screenings/s | {x1['per_second']:,.0f} | >= 3,000 | "
        f"{verdict(x1['per_second'] >= 3000)} |",
        "",
        "## 2. Growth with the rule base",
        "",
        "| rule base | categories | p50 | p99 | screenings/s | index build | p50 vs x1 | target |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for factor in (1, 10, 100):
        row = engine[f"x{factor}"]
        growth = round(row["p50_ms"] / x1["p50_ms"], 2)
        target = f"<= 2x: {verdict(growth <= 2)}" if factor == 10 else ""
        lines.append(
            f"| x{factor} | {row['categories']} | {row['p50_ms']} ms | {row['p99_ms']} ms | "
            f"{row['per_second']:,.0f} | {row['index_build_s']} s | {growth}x | {target} |"
        )
    return lines


def parties_section(parties: dict) -> list[str]:
    """Measurement 6: what party screening adds, with the real lists and a 100k-entry list."""
    real, big = parties["real"], parties["big"]
    added = real["added_cpu_paired_median_ms"]
    big_p50 = big["with_two_parties"]["cpu_p50_ms"]
    return [
        "## 6. Party screening (one core)",
        "",
        "Mix: the engine mix, each request with two parties (importer and end user: listed "
        "names written another way, unlisted look-alikes, plain firms), "
        f"{parties['requests_in_mix']} requests. CPU time of the screening thread (wall time is "
        "in parties.json).",
        "",
        "| figure | measured | target | |",
        "|---|---|---|---|",
        f"| real lists ({real['entries']} entries): added per screening, median of paired "
        f"runs | {added} ms | < 0.1 ms | {verdict(added < 0.1)} |",
        f"| real lists: p50 without / with parties | {real['without_parties']['cpu_p50_ms']} / "
        f"{real['with_two_parties']['cpu_p50_ms']} ms | | |",
        f"| {big['entries']:,} entries: p50 per screening with two parties | {big_p50} ms | "
        f"< 1 ms | {verdict(big_p50 < 1)} |",
        f"| {big['entries']:,} entries: index build ({big['names_indexed']:,} names) | "
        f"{big['index_build_cpu_s']} s CPU, {big['index_build_s']} s wall | < 5 s | "
        f"{verdict(big['index_build_cpu_s'] < 5)} |",
        f"| {big['entries']:,} entries: a listed name with one typo / exact is found | "
        f"{big.get('typo_recall', '?')} / {big.get('exact_recall', '?')} | | |",
    ]


def http_section(http: dict) -> list[str]:
    """Measurement 3: POST /v1/screenings with its audit write, against GET /healthz."""
    lines = [
        "## 3. HTTP: POST /v1/screenings with the audit write",
        "",
        f"Load generator: {http['tool']}, {http['seconds']:.0f} s per run after a warm-up, "
        "fresh migrated database per server. Targets: screening throughput >= 40 % of "
        "/healthz on the same server, zero errors, p99 < 50 ms at c16.",
        "",
        "| db | workers | c | screenings/s | p50 | p99 | errors | server CPU/req | "
        "/healthz req/s | ratio | verdict |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    stored = []
    for run in http["runs"]:
        if "audit_rows_stored" in run:
            stored.append(f"{run['database']}/{run['workers']}w: {run['audit_rows_stored']}")
            continue
        s, h = run["screenings"], run["healthz"]
        ok = run["ratio"] >= 0.4 and s["errors"] == 0 and s["requests"] > 0
        errors = f"{s['errors']}" + (" (stalled: none answered)" if not s["requests"] else "")
        if run["concurrency"] == 16:
            ok = ok and s["p99_ms"] < 50
        lines.append(
            f"| {run['database']} | {run['workers']} | {run['concurrency']} | "
            f"{s['per_second']:,.0f} | {s['p50_ms']} ms | {s['p99_ms']} ms | {errors} | "
            f"{s.get('cpu_ms_per_request', '?')} ms | "
            f"{h['per_second']:,.0f} | {run['ratio']:.0%} | {verdict(ok)} |"
        )
    lines += [
        "",
        "Audit rows stored per server (warm-ups included): " + "; ".join(stored) + ".",
        "",
        "CPU accounting: the machine has 2 cores and the load generator is a separate process. "
        "With one worker the server is pinned to CPU 0 and the load generator to CPU 1; with two "
        "workers the server may use both CPUs and the load generator shares CPU 1, so two-worker "
        "figures understate the server. wrk (C, one thread) is used when installed because a "
        "Python client needs most of a core of its own at these rates. A request unanswered after "
        "2 s counts as an error (wrk --timeout 2s). Server CPU/req is the CPU time of the server's "
        "processes divided by the requests answered: unlike req/s it barely moves when other "
        "work shares the machine.",
    ]
    return lines


def bulk_section(bulk: dict) -> list[str]:
    """Measurement 3b: POST /v1/screenings/bulk, alone and against single calls at c16."""
    lines = [
        "## 3b. HTTP: POST /v1/screenings/bulk",
        "",
        "One server per database (1 worker on CPU 0, fresh migrated database), load generator "
        "bench/http_load.py on CPU 1. Latency: 1,000-item calls one at a time, send to last "
        "byte (target p50 < 1 s). Throughput: screenings stored per second at c16, single "
        "calls and then bulk calls on the same server (target bulk >= 5x single).",
        "",
        "| db | 1,000-item call p50 | max | server CPU per call | target < 1 s |",
        "|---|---|---|---|---|",
    ]
    for run in bulk["runs"]:
        timed = run["latency"]
        lines.append(
            f"| {run['database']} | {timed['p50_s']} s | {timed['max_s']} s | "
            f"{timed['server_cpu_s_per_call']} s | {verdict(timed['p50_s'] < 1)} |"
        )
    lines += [
        "",
        "| db | c | kind | items/call | screenings/s | p50 per call | p99 per call | errors | "
        "server CPU/screening | bulk vs single | target >= 5x |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for run in bulk["runs"]:
        for kind in ("single", "bulk"):
            r = run[kind]
            ratio = f"{run['ratio']}x" if kind == "bulk" else ""
            target = verdict(run["ratio"] >= 5) if kind == "bulk" else ""
            lines.append(
                f"| {run['database']} | {run['concurrency']} | {kind} | {r['items_per_call']} | "
                f"{r['screenings_per_second']:,.0f} | {r['p50_ms']} ms | {r['p99_ms']} ms | "
                f"{r['errors']} | {r['server_cpu_ms_per_screening']} ms | {ratio} | {target} |"
            )
    loads = [
        f"{run['database']} {run['load_average']['before'][0]} to {run['load_average']['after'][0]}"
        for run in bulk["runs"]
        if "load_average" in run
    ]
    if loads:
        lines += [
            "",
            "Load average (1 min) before and after each server's runs: " + "; ".join(loads),
        ]
    return lines


def batch_target(rows: int, jobs: int, seconds: float) -> str:
    """The batch target's cell: 100k rows in < 30 s in one process, < 12 s in more."""
    if rows != 100_000:
        return ""
    limit = 30 if jobs == 1 else 12
    return f"< {limit} s: {verdict(seconds < limit)}"


def batch_section(batch: list[dict]) -> list[str]:
    """Measurement 4: batch files through the CLI and the API, in 1 or more processes."""
    lines = [
        "## 4. Batch CSV (GB18030, SQLite)",
        "",
        "jobs = processes screening rows (`screening screen --jobs N`, SCREENING_BATCH_JOBS=N); "
        "with more than one, the parent reads the file and stores the results while worker "
        "processes screen. Peak RSS: the parent; workers: the largest worker process and the "
        "sum of the peaks of every process it started (fork server included). CPU: seconds "
        "used by the parent and by the processes it started.",
        "",
        "| path | jobs | rows | seconds | rows/s | peak RSS | workers (largest / all) "
        "| CPU s (parent / workers) | target |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    by_key = {(r.get("path", "cli"), r.get("jobs", 1), r["rows"]): r for r in batch}
    for (path, jobs, rows), r in sorted(by_key.items()):
        target = batch_target(rows, jobs, r["seconds"])
        workers = (
            f"{r['child_peak_rss_mb']} / {r['children_rss_mb']} MB" if r.get("children") else "-"
        )
        cpu = f"{r['parent_cpu_s']} / {r['children_cpu_s']}" if "parent_cpu_s" in r else "-"
        lines.append(
            f"| {path} | {jobs} | {rows:,} | {r['seconds']} | {r['rows_per_second']:,} | "
            f"{r['peak_rss_mb']} MB | {workers} | {cpu} | {target} |"
        )
    lines.append("")
    for path, jobs in sorted({(path, jobs) for path, jobs, _ in by_key}):
        small, large = by_key.get((path, jobs, 100_000)), by_key.get((path, jobs, 1_000_000))
        if small and large:
            growth = rss_growth(small, large)
            lines.append(
                f"- {path}, jobs {jobs}: peak RSS 100k to 1M {growth:+.0%}, all processes "
                f"(target within 20 %): {verdict(abs(growth) <= 0.2)}"
            )
        elif small:
            lines.append(f"- {path}, jobs {jobs}: 1M rows not run; RSS flatness not measured")
    lines.append("- API time runs from the start of the upload to the job reported done.")
    return lines


def batch_distinct_section(distinct: list[dict], batch: list[dict] | None) -> list[str]:
    """Measurement 4c: a file of distinct lines, beside section 4's file of repeated lines."""
    repeated = {(r.get("path", "cli"), r.get("jobs", 1), r["rows"]): r for r in batch or []}
    lines = [
        "## 4c. Batch CSV of distinct lines",
        "",
        "Section 4's file repeats five deals under new references, as ERP exports repeat their "
        "lines, and each process screens a repeated line once (README, Repeated lines). Here "
        "every line carries its own lot number, so every row is screened. Same file size, "
        "database and columns as section 4.",
        "",
        "| path | jobs | rows | seconds | rows/s | CPU s (parent / workers) "
        "| repeated lines: seconds | target |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in sorted(distinct, key=lambda r: (r["path"], r["jobs"], r["rows"])):
        same = repeated.get((r["path"], r["jobs"], r["rows"]))
        target = batch_target(r["rows"], r["jobs"], r["seconds"])
        lines.append(
            f"| {r['path']} | {r['jobs']} | {r['rows']:,} | {r['seconds']} | "
            f"{r['rows_per_second']:,} | {r['parent_cpu_s']} / {r['children_cpu_s']} | "
            f"{same['seconds'] if same else '-'} | {target} |"
        )
    return lines


def batch_floor_section(parts: dict) -> list[str]:
    """Measurement 4b: each part of a batch row alone, and the fastest 100k rows could go."""
    bound = parts["floor_100k_s"]
    return [
        "## 4b. Where a batch row's time goes",
        "",
        f"`bench/batch_floor.py`: each part measured alone in one process, "
        f"{parts['rows']:,} rows of the same file, {parts['chunk']}-row chunks, fresh SQLite "
        "database. Workers do the screening; the parent reads, stores (hash chain, audit and "
        "row inserts, commit: the commit waits for the disk) and, for the CLI, writes the "
        "results file.",
        "",
        "| part | where | ms per row |",
        "|---|---|---|",
        f"| screen (request, engine, audit record encoded) | worker | {parts['screen_ms']} |",
        f"| read the CSV | parent | {parts['read_ms']} |",
        f"| store a chunk: CPU / wall | parent | {parts['store_cpu_ms']} / "
        f"{parts['store_wall_ms']} |",
        f"| write the results file (CLI) | parent | {parts['results_ms']} |",
        "",
        f"Lower bound for 100,000 rows on {parts['cores']} cores, max(parent's serial part, "
        f"all the CPU / cores), with hand-offs free, when every row is screened (section 4c): "
        f"CLI {bound['cli']} s, API {bound['api']} s (target < 12 s). With repeated lines "
        "(section 4) most rows skip the screening part, and the parent's part is the bound.",
    ]


def spark_section(spark: list[dict], batch: list[dict] | None) -> list[str]:
    """Measurement 6: the Spark job on local[2], beside the CLI on the same machine."""
    lines = [
        "## 8. Spark job on local[2] (GB18030 CSV in, Parquet and manifest out)",
        "",
        "| path | rows | seconds | rows/s | vs CLI |",
        "|---|---|---|---|---|",
    ]
    # The CLI figures to compare with: measured beside the Spark run, else 100k rows of the
    # batch-distinct step (one row per number of processes); the ratio is to the fastest.
    cli = [r for r in spark if r["path"] == "cli"] or [
        r for r in batch or [] if r.get("path", "cli") == "cli" and r["rows"] == 100_000
    ]
    base = max((r["rows_per_second"] for r in cli), default=None)
    for r in [*cli, *(r for r in spark if r["path"] != "cli")]:
        ratio = f"{r['rows_per_second'] / base:.2f}x" if base else ""
        path = f"cli --jobs {r.get('jobs', 1)}" if r["path"] == "cli" else r["path"]
        lines.append(
            f"| {path} | {r['rows']:,} | {r['seconds']} | {r['rows_per_second']:,} | {ratio} |"
        )
    lines += [
        "",
        "- Spark's time runs from `spark-submit` to its exit: JVM start, the engine built once in "
        "each Python worker, the Parquet write and the manifest's counting jobs included.",
        "- Both screen a file of distinct lines (section 4c), so neither reuses an answer. The "
        "CLI rows are `screening screen` on the same machine, which also stores every row and "
        "its audit record in SQLite; Spark writes Parquet and keeps no per-row audit record in "
        "the service database.",
        *(
            f"- {r['path']} {r['rows']:,} rows finished {r['finished']}, load average then "
            f"{r['load_average']}."
            for r in spark
            if "finished" in r
        ),
    ]
    return lines


def rss_growth(small: dict, large: dict) -> float:
    """How much the peak RSS of the parent and its workers grew from one run to the other."""

    def total(r: dict) -> float:
        return r["peak_rss_mb"] + r.get("children_rss_mb", 0)

    return total(large) / total(small) - 1


def startup_section(startup: list[dict]) -> list[str]:
    """Measurement 5: process start to /readyz 200."""
    lines = [
        "## 5. Start-up: process start to /readyz 200",
        "",
        "| db | runs | median | worst | target < 2 s |",
        "|---|---|---|---|---|",
    ]
    for r in startup:
        lines.append(
            f"| {r['database']} | {r['runs']} | {r['median_s']} s | {r['max_s']} s | "
            f"{verdict(r['max_s'] < 2)} |"
        )
    return lines


def webhook_section(webhooks: list[dict]) -> list[str]:
    """Webhooks: outbox write and deliveries a second (claim, signed POST, record, per row)."""
    lines = [
        "## 7. Webhooks: outbox write, deliveries a second to a local receiver",
        "",
        "| db | events | outbox write (one transaction) | 1 sender | 2 senders |",
        "|---|---|---|---|---|",
    ]
    for r in webhooks:
        lines.append(
            f"| {r['database']} | {r['events']} | {r['outbox_write_ms']} ms | "
            f"{r['per_s_1_sender']}/s | {r['per_s_2_sender']}/s |"
        )
    lines.append(
        "- Each delivery is two commits (claim with its lease, then the attempt and result): "
        "on SQLite with synchronous=FULL that is two fsyncs a delivery."
    )
    return lines


def main() -> None:
    """Read the JSON files and write the Markdown report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", type=Path)
    parser.add_argument("-o", "--output", type=Path, default=ROOT / "bench" / "RESULTS.md")
    args = parser.parse_args()

    def load(name: str):
        path = args.results / f"{name}.json"
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None

    runs = load("runs") or {"steps": [], "total_seconds": 0, "quick": False}
    lines = [
        "# Benchmark results",
        "",
        "Generated by `bench/report.py` from the JSON in `bench/results/`; do not edit by hand.",
        f"Run: `make bench{'-quick' if runs['quick'] else ''}`, "
        f"{runs['total_seconds'] / 60:.1f} minutes in all.",
        "",
        *machine(),
        "",
    ]
    sections = [
        ("engine", engine_section),
        ("http", http_section),
        ("bulk", bulk_section),
        ("batch", batch_section),
        ("batch_floor", batch_floor_section),
        ("batch_distinct", lambda distinct: batch_distinct_section(distinct, load("batch"))),
        ("startup", startup_section),
        ("parties", parties_section),
        ("webhooks", webhook_section),
    ]
    for name, render in sections:
        data = load(name)
        lines += [*render(data), ""] if data else [f"## {name}: not run", ""]
    spark = load("spark")
    cli = load("batch_distinct") or load("batch")
    lines += [*spark_section(spark, cli), ""] if spark else ["## spark: not run", ""]
    lines += ["## Commands", "", "| step | seconds | command |", "|---|---|---|"]
    lines += [f"| {s['name']} | {s['seconds']:.0f} | `{s['command']}` |" for s in runs["steps"]]
    args.output.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
