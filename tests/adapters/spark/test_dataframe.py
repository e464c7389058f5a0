"""screen_dataframe: Spark's answers are `screening screen`'s, row for row, bad rows included."""

import csv
import json
from pathlib import Path

import pytest
from pyspark.sql import DataFrame, Row, SparkSession
from typer.testing import CliRunner

from service.adapters.spark import dataframe, manifest, rows
from service.adapters.spark.rules import RulesMismatch
from service.cli import app
from service.engine import load_ruleset
from service.engine.calendar import beijing_today
from tests.conftest import RULES
from tests.runtime.rules_edit import ban_gallium_arsenide, copy_rules


@pytest.fixture(scope="module")
def screened_df(spark: SparkSession, eval_file: Path, tmp_path_factory) -> DataFrame:
    """The eval file screened by Spark, written to Parquet once and read back."""
    source = dataframe.read_input(spark, str(eval_file))
    assert (source.fmt, source.encoding) == ("csv", "gb18030")
    out = str(tmp_path_factory.mktemp("spark-out") / "screened.parquet")
    dataframe.screen_dataframe(source.df, RULES, beijing_today()).write.parquet(out)
    return spark.read.parquet(out)


@pytest.fixture(scope="module")
def screened(screened_df: DataFrame) -> list[Row]:
    """Spark's output rows in input order."""
    return screened_df.orderBy(rows.ROW_ID).collect()


def cli_results(database_url: str, source: Path, out: Path) -> list[dict]:
    """`screening screen --format json` on the file: one dict per row."""
    env = {"SCREENING_DATABASE_URL": database_url}
    result = CliRunner().invoke(
        app, ["screen", str(source), "-o", str(out), "--format", "json"], env=env
    )
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def answers(row: Row | dict) -> tuple:
    """What a row was told: reference, then every result column."""
    return (row["reference"], *(row[name] for name in rows.RESULT_FIELDS))


def test_decisions_and_categories_are_the_cli_s_row_for_row(
    screened: list[Row], eval_file: Path, database_url: str, tmp_path: Path
):
    cli = cli_results(database_url, eval_file, tmp_path / "cli.jsonl")
    assert len(screened) == len(cli) == 4_990  # ten all-blank lines are skipped by both
    assert [answers(row) for row in screened] == [answers(row) for row in cli]
    decisions = {row.decision for row in screened}
    assert decisions == {"allowed", "approval-required", "prohibited", "unknown", None}
    assert sum(row.categories is not None and len(row.categories) > 0 for row in screened) > 1000


def test_malformed_rows_become_error_rows_with_the_batch_reader_s_message(screened: list[Row]):
    by_reference = {row.reference: row for row in screened}
    short, long = by_reference["EV-000053"], by_reference["EV-000106"]
    assert (short.decision, short.error) == (None, "the row has 14 cells; the header has 17")
    assert (long.decision, long.error) == (None, "the row has 18 cells; the header has 17")
    assert long["备注"] == "出口订单"  # the cells Spark could place are still echoed
    flag = by_reference["EV-000159"]
    assert flag.error == "military_end_use must be true or false, got 'maybe'"
    assert sum(row.error is not None for row in screened) == 84


def test_each_row_carries_the_rule_set_and_the_hash_of_its_cells(
    screened: list[Row], eval_file: Path
):
    with eval_file.open(encoding="gb18030", newline="") as handle:
        lines = [cells for cells in list(csv.reader(handle))[1:] if any(c.strip() for c in cells)]
    assert [row.input_sha256 for row in screened] == [rows.row_hash(cells) for cells in lines]
    ruleset = load_ruleset(RULES)
    assert {(row.ruleset_version, row.ruleset_digest) for row in screened} == {
        (ruleset.version, ruleset.digest)
    }


def test_the_input_digest_does_not_depend_on_how_spark_splits_the_rows(
    screened_df: DataFrame, screened: list[Row]
):
    totals = dataframe.totals(screened_df)
    assert totals.input_digest == manifest.rows_digest(row.input_sha256 for row in screened)
    assert dataframe.totals(screened_df.repartition(5)).input_digest == totals.input_digest
    assert totals.rows == len(screened)
    assert totals.error_rows == 84
    assert totals.decisions == {
        d: sum(row.decision == d for row in screened)
        for d in {r.decision for r in screened} - {None}
    }


def test_a_tampered_rule_folder_is_refused_before_any_row_is_screened(
    spark: SparkSession, tmp_path: Path
):
    tampered = copy_rules(tmp_path / "rules")
    ban_gallium_arsenide(tampered)  # changed, but not stamped
    df = spark.createDataFrame(
        [("material_export", "Gallium arsenide wafers")],
        "transaction_type string, description string",
    )
    with pytest.raises(RulesMismatch, match="records digest .* but the rule files digest"):
        dataframe.screen_dataframe(df, tampered)


def test_typed_parquet_columns_are_screened_as_their_text(spark: SparkSession, tmp_path: Path):
    path = str(tmp_path / "in.parquet")
    spark.createDataFrame(
        [
            (
                "P-1",
                "material_export",
                "High-purity gallium metal ingots",
                "US",
                99.99999,
                "2026-11-28",
            )
        ],
        "reference string, transaction_type string, description string, "
        "destination_country string, purity_pct double, as_of string",
    ).write.parquet(path)
    source = dataframe.read_input(spark, path)
    [row] = dataframe.screen_dataframe(source.df, RULES).collect()
    assert (source.fmt, row.purity_pct, row.decision, row.error) == (
        "parquet",
        "99.99999",
        "prohibited",
        None,
    )


def test_an_input_column_named_like_a_result_column_is_refused(spark: SparkSession):
    df = spark.createDataFrame(
        [("material_export", "bolts", "allowed")],
        "transaction_type string, description string, decision string",
    )
    with pytest.raises(ValueError, match="decision"):
        dataframe.screen_dataframe(df, RULES)
