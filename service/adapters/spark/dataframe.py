"""Screens a Spark DataFrame with the engine, and reads and sums up what a run screened.

`screen_dataframe` checks the rule folder on the driver (a folder whose files do not match
ruleset.yaml is refused before any task starts), then maps every partition through
`rows.screen_batches` with mapInArrow; each executor process builds the engine once.
"""

import functools
from datetime import date
from pathlib import Path
from typing import NamedTuple

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.pandas.types import from_arrow_schema
from pyspark.sql.types import StringType, StructField, StructType

from service.adapters.spark import manifest, rows
from service.adapters.spark.rules import checked_ruleset
from service.batch.reading import BatchFileError, detect_encoding
from service.engine.calendar import beijing_today

# Spark's names for the encodings the batch CSV reader detects.
SPARK_ENCODINGS = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "gb18030": "GB18030"}
STANDARD_CHARSETS = {"UTF-8"}
BOM = "\ufeff"


def _col(name: str) -> Column:
    """A top-level column by its exact name (dots and spaces included)."""
    return F.col("`" + name.replace("`", "``") + "`")


def screen_dataframe(df: DataFrame, rules_dir: Path | str, as_of: date | None = None) -> DataFrame:
    """Every row of `df` screened: its columns, the batch CSV's results, rules and a row hash.

    Rows without their own as_of are screened at `as_of` (default: today in Beijing, fixed
    once for the whole run). A row that cannot be read gets an error, never a failed job.
    `rules_dir` must be readable at the same path on the driver and the executors (e.g. the
    `rules` folder that `--archives rules.zip#rules` unpacks in each working directory).
    Raises RulesMismatch when the rule files do not match ruleset.yaml.
    """
    ruleset = checked_ruleset(rules_dir)
    header = tuple(name for name in df.columns if name != rows.CORRUPT)
    clash = sorted(set(header) & set(rows.output_schema(()).names))
    if clash:
        raise ValueError(f"input columns {', '.join(clash)} clash with result columns; rename them")
    job = rows.RowJob(
        header=header,
        rules_dir=str(rules_dir),
        ruleset_version=ruleset.version,
        ruleset_digest=ruleset.digest,
        as_of=as_of or beijing_today(),
    )
    kept = [rows.CORRUPT] if rows.CORRUPT in df.columns else []
    prepared = df.select(
        *(_col(name).cast("string").alias(name) for name in header),
        *(_col(name) for name in kept),
        F.monotonically_increasing_id().alias(rows.ROW_ID),
    )
    schema = from_arrow_schema(rows.output_schema(header))
    return prepared.mapInArrow(functools.partial(rows.screen_batches, job=job), schema)


class Source(NamedTuple):
    """An input as read: its rows, its format and the CSV encoding (None for Parquet)."""

    df: DataFrame
    fmt: str
    encoding: str | None


def local_files(path: str) -> list[Path]:
    """The input's files when the driver can read them (a local file or folder), else []."""
    local = Path(path.removeprefix("file://"))
    if "://" in path.removeprefix("file://") or not local.exists():
        return []
    if local.is_file():
        return [local]
    return sorted(p for p in local.rglob("*") if p.is_file() and not p.name.startswith((".", "_")))


def read_input(
    spark: SparkSession, path: str, fmt: str | None = None, encoding: str | None = None
) -> Source:
    """A CSV (UTF-8 or GB18030, detected like the batch reader when local) or Parquet input.

    CSV cells are all read as text; a row with too few or too many cells keeps its raw line in
    `_corrupt_record`, so that screen_dataframe turns it into an error row.
    """
    fmt = fmt or ("parquet" if path.rstrip("/").endswith(".parquet") else "csv")
    if fmt == "parquet":
        return Source(spark.read.parquet(path), "parquet", None)
    encoding = encoding or _detected(path)
    if SPARK_ENCODINGS[encoding] not in STANDARD_CHARSETS:
        # Spark 4 reads only a few Unicode charsets in CSV unless told to use all of Java's.
        spark.conf.set("spark.sql.legacy.javaCharsets", "true")
    reader = spark.read.option("header", True).option("encoding", SPARK_ENCODINGS[encoding])
    header = reader.csv(path).columns
    schema = StructType(
        [StructField(name, StringType()) for name in header]
        + [StructField(rows.CORRUPT, StringType())]
    )
    df = (
        reader.schema(schema)
        .option("escape", '"')
        .option("mode", "PERMISSIVE")
        .option("columnNameOfCorruptRecord", rows.CORRUPT)
        .csv(path)
    )
    if header and header[0].startswith(BOM):
        df = df.withColumnRenamed(header[0], header[0].removeprefix(BOM))
    return Source(df, "csv", encoding)


def _detected(path: str) -> str:
    """The one encoding of the local CSV files (utf-8 for remote storage)."""
    found = {detect_encoding(file) for file in local_files(path)}
    if len(found) > 1:
        raise BatchFileError(f"{path}: the files mix encodings ({', '.join(sorted(found))})")
    return found.pop() if found else "utf-8"


class Totals(NamedTuple):
    """What a run's output holds: rows, rows per decision, error rows and the input digest."""

    rows: int
    decisions: dict[str, int]
    error_rows: int
    input_digest: str


def totals(screened: DataFrame) -> Totals:
    """Count the screened rows by decision and digest their input hashes (two small jobs)."""
    decisions: dict[str, int] = {}
    error_rows = 0
    for decision, error, count in (
        screened.groupBy("decision", F.col("error").isNotNull()).count().collect()
    ):
        if error:
            error_rows += count
        else:
            decisions[decision] = decisions.get(decision, 0) + count
    buckets = (
        screened.groupBy(F.substring("input_sha256", 1, manifest.BUCKET_CHARS).alias("prefix"))
        .agg(F.sha2(F.concat_ws("\n", F.sort_array(F.collect_list("input_sha256"))), 256))
        .collect()
    )
    digest = manifest.combine({prefix: value for prefix, value in buckets})
    return Totals(sum(decisions.values()) + error_rows, decisions, error_rows, digest)
