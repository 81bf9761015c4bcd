"""Log records as JSON lines, through Litestar's logging configuration.

`fangzha serve` turns this on (FANGZHA_REQUEST_LOG): every record of the app
becomes one JSON object per line on standard error, written by Litestar's
queue listener in a thread of its own, so a slow terminal or pipe never holds
up the event loop. Request lines (app/request_log.py) carry their fields at
the top level; any other record carries its message, with private calendar
tokens redacted, and the id of the request it was written in.
"""

import asyncio
import json
import logging
import time
from datetime import UTC, datetime
from logging.handlers import QueueHandler

from litestar.logging.config import LoggingConfig

from app.log_redaction import redact
from app.request_log import current_request_id


class JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
        }
        fields = getattr(record, "request", None)
        if isinstance(fields, dict):
            entry.update(fields)
        else:
            entry["message"] = redact(record.getMessage())
            request_id = current_request_id.get()
            if request_id:
                entry["request_id"] = request_id
        if record.exc_info:
            entry["error"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


def json_logging() -> LoggingConfig:
    """Litestar's standard set-up (a queue listener writing to stderr) with JSON lines.

    Litestar's handlers format with the formatter named "standard"; replacing it
    keeps the rest of its configuration as Litestar builds it on every Python.
    """
    return LoggingConfig(formatters={"standard": {"()": JsonLines}})


async def drain_log_queues() -> None:
    """At shutdown: wait until the queued log lines are written.

    Litestar's queue listener is stopped by an `atexit` hook, but a server's
    worker processes end without running those, and the lines still queued
    (the last requests' lines, under load many) were lost.
    """
    loggers = [logging.getLogger(), *logging.Logger.manager.loggerDict.values()]
    handlers = {
        handler
        for logger in loggers
        if isinstance(logger, logging.Logger)
        for handler in logger.handlers
        if isinstance(handler, QueueHandler)
    }
    deadline = time.monotonic() + 5
    for handler in handlers:
        # The listener marks each record done once its handlers wrote it.
        # (A thread empties the queue; there is no event to await.)
        while getattr(handler.queue, "unfinished_tasks", 0) and time.monotonic() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.01)
        listener = getattr(handler, "listener", None)
        for target in getattr(listener, "handlers", ()):
            target.flush()
