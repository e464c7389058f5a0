"""Structured logging: one JSON object per line, the event name plus its extra fields."""

import json
import logging
import sys
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from service import tracing

_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "color_message"}

# The id of the HTTP request being served; set by the request-context middleware.
request_id: ContextVar[str | None] = ContextVar("request_id", default=None)


class JsonFormatter(logging.Formatter):
    """Renders `log.info("screening.decided", extra={...})` as a JSON line (with the trace and
    span ids when tracing is on, so a log line leads to its trace)."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as one JSON object: time, level, logger, event and extra fields."""
        payload = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
        }
        if (current := request_id.get()) is not None:
            payload["request_id"] = current
        if (ids := tracing.current_ids()) is not None:
            payload["trace_id"], payload["span_id"] = ids
        payload |= {k: v for k, v in vars(record).items() if k not in _STANDARD}
        if record.exc_info:
            payload["exception"] = self.formatException(record.exc_info)
        return json.dumps(payload, default=str, ensure_ascii=False)


def configure_logging(level: str = "INFO") -> None:
    """Send every log record, uvicorn's included, to stderr as JSON lines."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True


def uvicorn_log_config(level: str = "INFO") -> dict[str, Any]:
    """The same JSON logging as a dictConfig, which uvicorn applies in every worker process."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonFormatter}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"handlers": ["stderr"], "level": level.upper()},
        "loggers": {
            name: {"handlers": [], "propagate": True}
            for name in ("uvicorn", "uvicorn.error", "uvicorn.access")
        },
    }
