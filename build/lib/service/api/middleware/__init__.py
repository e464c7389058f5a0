"""Pure ASGI middleware: body limit, request context, metrics timing, security headers."""
