import logging
from collections.abc import Iterator

import pytest

from assistant.logging_setup import configure_logging


@pytest.fixture
def root_handlers() -> Iterator[None]:
    root = logging.getLogger()
    before, level = list(root.handlers), root.level
    yield
    root.handlers[:] = before
    root.setLevel(level)


@pytest.mark.usefixtures("root_handlers")
def test_a_library_logging_at_debug_stays_quiet_at_info(
    capsys: pytest.CaptureFixture[str],
) -> None:
    logging.getLogger().handlers.clear()
    configure_logging("INFO")
    chatty = logging.getLogger("some.library")
    chatty.setLevel(logging.DEBUG)
    chatty.debug("building index")
    logging.getLogger("assistant.test").info("reply sent to 13812345678")
    err = capsys.readouterr().err
    assert "building index" not in err
    assert "reply sent to 138****5678" in err


@pytest.fixture
def access_logger() -> Iterator[logging.Logger]:
    # As under ``weiai serve`` (log_config=None): uvicorn's access lines go
    # to the root handler. Uvicorn servers started by other tests may have
    # given this logger handlers of its own.
    loggers = [logging.getLogger("uvicorn"), logging.getLogger("uvicorn.access")]
    saved = [(list(lg.handlers), lg.propagate, lg.level) for lg in loggers]
    for lg in loggers:
        lg.handlers.clear()
        lg.propagate, lg.level = True, logging.NOTSET
    yield loggers[1]
    for lg, (handlers, propagate, level) in zip(loggers, saved, strict=True):
        lg.handlers[:], lg.propagate, lg.level = handlers, propagate, level


@pytest.mark.usefixtures("root_handlers")
def test_access_log_lines_keep_no_openid(
    capsys: pytest.CaptureFixture[str], access_logger: logging.Logger
) -> None:
    logging.getLogger().handlers.clear()
    configure_logging("INFO")
    path = "/wechat?signature=ab&timestamp=1&nonce=2&openid=oResident123"
    access_logger.info(
        '%s - "%s %s HTTP/%s" %d', "127.0.0.1:5000", "POST", path, "1.1", 200
    )
    err = capsys.readouterr().err
    assert "oResident123" not in err
    assert '"POST /wechat?… HTTP/1.1" 200' in err
