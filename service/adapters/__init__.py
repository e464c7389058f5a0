"""Adapters that run the screening engine inside other systems (Apache Spark)."""
