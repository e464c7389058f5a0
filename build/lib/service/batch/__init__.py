"""Batch screening of CSV files: read, screen in resumable chunks, write results."""
