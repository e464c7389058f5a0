"""Screens a CSV or Parquet input with Spark; writes Parquet and a manifest for the audit log.

Usage (spark-submit runs this file as it is; see README "Spark"):
    spark-submit [options] service/adapters/spark/job.py IN OUT [--as-of YYYY-MM-DD]
        [--rules DIR] [--format csv|parquet] [--encoding utf-8|gb18030] [--manifest PATH]

Exit status: 0 done; 1 the input cannot be read or OUT exists; 2 the rule folder does not match
its ruleset.yaml (nothing is screened).
"""

import argparse
import hashlib
import sys
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

from pyspark.errors import AnalysisException
from pyspark.sql import SparkSession

from service.adapters.spark import dataframe
from service.adapters.spark.manifest import InputFile, RunManifest
from service.adapters.spark.rules import RulesMismatch, checked_ruleset
from service.batch.reading import BatchFileError
from service.engine import RuleSetError
from service.engine.calendar import beijing_today
from service.engine.loader import RuleSet


def arguments(argv: list[str] | None = None) -> argparse.Namespace:
    """The job's command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("input", help="CSV file or folder, or Parquet (.parquet or --format)")
    parser.add_argument("output", help="Parquet folder to write (must not exist)")
    parser.add_argument("--as-of", type=date.fromisoformat, help="date for rows without as_of")
    parser.add_argument("--rules", default="rules", help="rules folder, same path on executors")
    parser.add_argument("--format", choices=["csv", "parquet"], help="default: from the name")
    parser.add_argument("--encoding", choices=sorted(dataframe.SPARK_ENCODINGS))
    parser.add_argument(
        "--manifest", help="where to write it (a path or URI); default OUT.manifest.json"
    )
    return parser.parse_args(argv)


def file_digest(path: Path) -> InputFile:
    """A local input file's path, size and sha256."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return InputFile(path=str(path), bytes=path.stat().st_size, sha256=digest.hexdigest())


def write_text(spark: SparkSession, target: str, text: str) -> None:
    """Write a small UTF-8 file: a local path directly, a URI (hdfs://, s3a://, abfss://) with
    Hadoop's file system, so a driver in cluster mode leaves the manifest where it can be read."""
    if "://" not in target:
        Path(target).write_text(text, encoding="utf-8")
        return
    jvm = spark.sparkContext._jvm
    assert jvm is not None
    path = jvm.org.apache.hadoop.fs.Path(target)
    stream = path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration()).create(path, False)
    try:
        stream.write(bytearray(text.encode("utf-8")))
    finally:
        stream.close()


def run(args: argparse.Namespace, spark: SparkSession, ruleset: RuleSet) -> RunManifest:
    """Screen IN into OUT and sum the run up as its manifest."""
    started = datetime.now(UTC)
    as_of = args.as_of or beijing_today()
    source = dataframe.read_input(spark, args.input, args.format, args.encoding)
    screened = dataframe.screen_dataframe(source.df, args.rules, as_of)
    screened.write.parquet(args.output)
    totals = dataframe.totals(spark.read.parquet(args.output))
    context = spark.sparkContext
    return RunManifest(
        run_id=str(uuid.uuid4()),
        input=args.input,
        input_format=source.fmt,
        input_encoding=source.encoding,
        input_files=[file_digest(path) for path in dataframe.local_files(args.input)],
        input_digest=totals.input_digest,
        output=args.output,
        rows=totals.rows,
        decisions=totals.decisions,
        error_rows=totals.error_rows,
        as_of=as_of,
        ruleset_version=ruleset.version,
        ruleset_digest=ruleset.digest,
        started_at=started,
        finished_at=datetime.now(UTC),
        spark_version=spark.version,
        spark_master=context.master,
        application_id=context.applicationId,
    )


def main(argv: list[str] | None = None) -> int:
    """Run the job; print the manifest's path and a one-line summary."""
    args = arguments(argv)
    try:
        ruleset = checked_ruleset(args.rules)
    except RulesMismatch as exc:
        print(f"refused: {exc.message}", file=sys.stderr)
        return 2
    except RuleSetError as exc:
        print(f"rules invalid:\n{exc.message}", file=sys.stderr)
        return 2
    target = args.manifest or args.output.rstrip("/") + ".manifest.json"
    spark = SparkSession.builder.appName("export-screening").getOrCreate()
    try:
        manifest = run(args, spark, ruleset)
        write_text(spark, target, manifest.model_dump_json(indent=2) + "\n")
    except BatchFileError as exc:
        print(f"{args.input}: {exc.message}", file=sys.stderr)
        return 1
    except AnalysisException as exc:  # e.g. OUT exists, IN does not
        print(f"cannot run: {exc.getMessage()}", file=sys.stderr)
        return 1
    finally:
        spark.stop()
    counts = ", ".join(f"{k} {v}" for k, v in sorted(manifest.decisions.items())) or "none"
    print(f"{manifest.rows} rows: {counts}; rows with errors: {manifest.error_rows}")
    print(f"wrote {args.output} and {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
