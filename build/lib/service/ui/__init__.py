"""Server-rendered pages under /ui for compliance officers: Jinja2 templates, no build step."""
