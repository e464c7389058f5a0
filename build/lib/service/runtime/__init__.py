"""The running process: its background components, started and stopped in one order."""
