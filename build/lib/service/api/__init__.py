"""The HTTP layer: routers, dependencies and error handlers over the engine and the store."""
