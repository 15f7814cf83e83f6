"""Logging, configured once by the CLI or the app factory."""

from __future__ import annotations

import logging

from tools.privacy import RedactingFilter

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class QueryStringFilter(logging.Filter):
    """Drop query strings from access-log lines.

    WeChat calls ``/wechat?...&openid=<user>``; the app's own lines name a
    user only by a short hash, and the access log must not undo that.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        access = record.name == "uvicorn.access"
        if access and isinstance(args, tuple) and len(args) > 2:
            path = str(args[2])
            if "?" in path:
                record.args = (*args[:2], path.split("?", 1)[0] + "?…", *args[3:])
        return True


def configure_logging(level: str = "INFO") -> None:
    """Send records to stderr with phones and ID numbers masked."""
    root = logging.getLogger()
    for existing in root.handlers:
        if getattr(existing, "_weiai", False):
            existing.setLevel(level.upper())
            root.setLevel(level.upper())
            return
    # The handler carries the level too: some libraries (bm25s) set their own
    # loggers to DEBUG, which the root level alone would not hold back.
    handler = logging.StreamHandler()
    handler.setLevel(level.upper())
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(RedactingFilter())
    handler.addFilter(QueryStringFilter())
    handler._weiai = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level.upper())

    # Libraries that are chatty at INFO or print request bodies.
    for name in (
        "httpx",
        "httpcore",
        "chromadb",
        "jieba",
        "urllib3",
        "openai",
        "bm25s",
    ):
        logging.getLogger(name).setLevel(logging.WARNING)
