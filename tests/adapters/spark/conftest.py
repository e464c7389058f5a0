"""Spark fixtures: one local[2] session for the whole test session, on the machine's Java.

Starting Spark costs seconds, so every test shares `spark` (scoped to the session) and the
5,000-row eval file (`eval_file`) is written once. The tests are skipped only when no Java is
installed; without the `[spark]` extra they fail, so CI cannot pass them silently.
"""

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyspark.sql import SparkSession

from tests.data import make_eval_batch

if shutil.which("java") is None:
    pytest.skip("Spark needs Java (17 or 21) on PATH", allow_module_level=True)


def local_spark() -> SparkSession:
    """A quiet local[2] session whose Python workers run this interpreter."""
    # PySpark reads the workers' interpreter from the environment only (python3 by default).
    os.environ["PYSPARK_PYTHON"] = sys.executable
    spark = (
        SparkSession.builder.master("local[2]")
        .appName("screening-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


@pytest.fixture(scope="session")
def spark() -> Iterator[SparkSession]:
    """The shared local[2] session, stopped at the end of the test session."""
    session = local_spark()
    yield session
    session.stop()


@pytest.fixture(scope="session")
def eval_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """5,000 GB18030 rows from the eval cases, malformed rows among them."""
    folder = tmp_path_factory.mktemp("spark-input")
    return make_eval_batch.write(folder / "eval-5k.csv", 5_000)
