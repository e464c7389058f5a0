"""The screening engine inside Apache Spark executors, for files one machine cannot hold.

`dataframe.screen_dataframe()` is the library entry point and `job.py` the script `spark-submit`
runs. `manifest` and `rules` import no pyspark, so the `screening` command can read manifests
without the `[spark]` extra.
"""
