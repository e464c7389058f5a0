"""Request and response shapes of the published API, and their converters from stored rows."""
