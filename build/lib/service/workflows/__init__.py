"""What the API, the UI, the CLI and the jobs share: the application layer, no HTTP."""
