"""How Plan Atlas talks on stderr: ``atlas: message``, one line per message.

Used by the command line and by every build worker process, so that a message written in a
worker looks like one written by the command, and the readers' own chatter (pypdf's "EOF marker
not found", which names no file) stays out of both.
"""

from __future__ import annotations

import logging
import sys

#: Libraries whose warnings name no file (our own messages about the same problem do).
QUIET_LIBRARIES: tuple[str, ...] = ("pypdf", "charset_normalizer")


def one_line(message: object) -> str:
    """A message on one line: control characters (a newline in a file name…) written as escapes."""
    text = str(message)
    return "".join(ch if ch.isprintable() or ch in " \u3000" else repr(ch)[1:-1] for ch in text)


class StderrHandler(logging.StreamHandler):
    """``atlas: message`` lines on stderr, one line each."""

    def format(self, record: logging.LogRecord) -> str:
        return "atlas: " + one_line(record.getMessage())


def log_to_stderr(level: int = logging.WARNING) -> None:
    """Send the ``atlas`` logger to stderr at ``level`` (replacing an earlier call's handler)."""
    logger = logging.getLogger("atlas")
    for h in [h for h in logger.handlers if isinstance(h, StderrHandler)]:
        logger.removeHandler(h)
    logger.addHandler(StderrHandler(sys.stderr))
    logger.setLevel(level)
    for name in QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(level if level <= logging.INFO else logging.ERROR)
