# The screening service on an embedded SQLite file under /app/data (mount a volume there), or
# on PostgreSQL with -e SCREENING_DATABASE_URL=postgresql+psycopg://user:pass@host/db.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
RUN useradd --create-home --uid 10001 screening

COPY pyproject.toml README.md ./
COPY service ./service
RUN pip install .

COPY alembic.ini ./
COPY migrations ./migrations
COPY rules ./rules
RUN mkdir -p /app/data && chown screening:screening /app/data

# The package is installed into site-packages, so say where the data files are.
ENV SCREENING_RULES_DIR=/app/rules \
    SCREENING_MIGRATIONS_DIR=/app/migrations \
    SCREENING_DATABASE_URL=sqlite:////app/data/screening.db

USER screening
EXPOSE 8000
VOLUME ["/app/data"]
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=3)"]
CMD ["sh", "-c", "screening db upgrade && exec screening serve --host 0.0.0.0"]
