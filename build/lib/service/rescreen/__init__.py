"""Re-screening stored screenings against the current rule set, and reporting what changes."""
