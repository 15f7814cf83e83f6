"""The bundled GGUF is pinned and assembled atomically; the server is reused."""

from __future__ import annotations

import asyncio
import hashlib
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from assistant.gate import ModelGate
from assistant.local_llm import gguf
from assistant.local_llm.server import LocalServer, ServerConfig
from tools.errors import ModelUnavailable


def test_the_22_chunk_files_are_found_through_package_metadata() -> None:
    parts = gguf.locate_parts()

    assert len(parts) == 22
    assert [p.name for p in parts[:2]] == ["part01.bin", "part02.bin"]
    assert sum(p.stat().st_size for p in parts) == gguf.MODEL_SIZE


@pytest.fixture
def small_parts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Three tiny chunks pinned in place of the real 22."""
    chunks = [b"GGUF-part-one", b"-two-", b"three"]
    paths = []
    for number, data in enumerate(chunks, 1):
        path = tmp_path / "site" / f"part{number:02d}.bin"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
        paths.append(path)
    whole = b"".join(chunks)
    monkeypatch.setattr(gguf, "locate_parts", lambda: paths)
    monkeypatch.setattr(
        gguf, "PART_SHA256", tuple(hashlib.sha256(c).hexdigest() for c in chunks)
    )
    monkeypatch.setattr(gguf, "MODEL_SHA256", hashlib.sha256(whole).hexdigest())
    monkeypatch.setattr(gguf, "MODEL_SIZE", len(whole))
    return paths


def test_parts_are_joined_in_order_once(
    small_parts: list[Path], tmp_path: Path
) -> None:
    models = tmp_path / "models"

    path = gguf.assemble(models)
    stamp = path.stat().st_mtime_ns
    again = gguf.assemble(models)

    assert path.read_bytes() == b"GGUF-part-one-two-three"
    assert again == path and path.stat().st_mtime_ns == stamp
    assert [p.name for p in models.iterdir()] == [gguf.MODEL_FILENAME]


def test_a_tampered_part_is_refused_and_leaves_no_file(
    small_parts: list[Path], tmp_path: Path
) -> None:
    small_parts[1].write_bytes(b"-TWO-")
    models = tmp_path / "models"

    with pytest.raises(ModelUnavailable, match="分片 2.*sha256"):
        gguf.assemble(models)

    assert list(models.iterdir()) == []


def test_a_model_file_with_another_hash_is_refused_before_loading(
    small_parts: list[Path], tmp_path: Path
) -> None:
    models = tmp_path / "models"
    path = gguf.assemble(models)
    path.write_bytes(b"GGUF-part-one-two-threE")

    with pytest.raises(ModelUnavailable, match="拒绝加载"):
        gguf.assemble(models)


def test_a_missing_gguf_path_names_the_setting(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailable, match="WEIAI_LLM"):
        gguf.resolve_model_path(str(tmp_path / "nope.gguf"), tmp_path)


class _Models(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = json.dumps({"object": "list", "data": [{"id": "m"}]}).encode()
        self.send_response(200 if self.path == "/v1/models" else 404)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def running_server() -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Models)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_a_healthy_server_on_the_port_is_reused_not_started(
    running_server: int, tmp_path: Path
) -> None:
    model = tmp_path / "m.gguf"
    model.write_bytes(b"x")
    server = LocalServer(ServerConfig(model_path=model, port=running_server))

    server.ensure_running()

    assert server.healthy()
    assert not server.owned
    server.stop()
    assert server.healthy()


def test_the_server_command_uses_the_function_calling_chat_format(
    tmp_path: Path,
) -> None:
    config = ServerConfig(
        model_path=tmp_path / "m.gguf", port=9, n_ctx=2048, n_threads=3
    )

    command = config.command()

    assert command[1:3] == ["-m", "llama_cpp.server"]
    assert command[command.index("--chat_format") + 1] == "chatml-function-calling"
    assert command[command.index("--host") + 1] == "127.0.0.1"
    assert command[command.index("--n_threads") + 1] == "3"


async def test_the_gate_refuses_requests_beyond_its_queue() -> None:
    gate = ModelGate(concurrency=1, max_waiting=1)
    release = asyncio.Event()

    async def hold() -> None:
        async with gate.slot():
            await release.wait()

    holders = [asyncio.create_task(hold()) for _ in range(2)]
    while gate.load < 2:
        await asyncio.sleep(0)

    with pytest.raises(ModelUnavailable, match="稍后"):
        async with gate.slot():
            pass
    release.set()
    await asyncio.gather(*holders)
    assert gate.load == 0
