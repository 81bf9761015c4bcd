"""Private feed addresses are secrets: the logs show them without their token.

Granian's access log prints every request path, and a private calendar path
carries a token that works like a password for as long as it is not rotated.
The filter rewrites such paths in the records of the loggers that print paths.
"""

import logging
import re
from collections.abc import Mapping

_PRIVATE_FEED = re.compile(r"(/calendar/private/)[^/?#\s\"]+")
REDACTED = r"\1[token]"
LOGGERS = ("granian.access", "_granian", "litestar", "fangzha")


def redact(text: str) -> str:
    return _PRIVATE_FEED.sub(REDACTED, text)


class RedactPrivateFeedTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.args, Mapping):
            # Granian's access line fills its format from a dictionary.
            record.args = {
                key: redact(value) if isinstance(value, str) else value
                for key, value in record.args.items()
            }
        return True


def keep_tokens_out_of_logs() -> None:
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactPrivateFeedTokens) for f in logger.filters):
            logger.addFilter(RedactPrivateFeedTokens())
