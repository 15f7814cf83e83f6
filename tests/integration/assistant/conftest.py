"""A shared embedded-model server for the slow end-to-end tests."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.local_llm.gguf import assemble
from assistant.local_llm.server import LocalServer, ServerConfig


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def local_model(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The bundled GGUF, assembled from the installed parts and verified."""
    pytest.importorskip("llama_cpp", reason="llama-cpp-python is not installed")
    path = assemble(tmp_path_factory.mktemp("models"))
    yield path
    # 1.1 GB: not left behind in pytest's kept temporary directories.
    path.unlink(missing_ok=True)


@pytest.fixture(scope="session")
def local_server(local_model: Path) -> Iterator[LocalServer]:
    """One llama_cpp.server for the whole session, stopped at the end."""
    config = ServerConfig(
        model_path=local_model,
        port=_free_port(),
        n_ctx=4096,
        n_threads=2,
        startup_timeout=600,
        log_path=local_model.parent / "server.log",
    )
    with LocalServer(config) as server:
        yield server
