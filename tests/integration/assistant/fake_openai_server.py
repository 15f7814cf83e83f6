"""A minimal OpenAI-compatible chat server on 127.0.0.1, speaking real HTTP.

It answers a forced tool call with arguments from ``tool_args`` and any other
request with ``text``, streamed as server-sent events when asked; every
request body is kept for the test to inspect.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class FakeOpenAI:
    """Start with ``with FakeOpenAI() as server:``; ``server.base_url`` is /v1."""

    def __init__(self, text: str = "您好。", tool_args: dict[str, Any] | None = None):
        self.text = text
        self.tool_args = tool_args or {}
        self.requests: list[dict[str, Any]] = []
        self.authorization: list[str] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def __enter__(self) -> FakeOpenAI:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _completion(self, body: dict[str, Any]) -> dict[str, Any]:
        choice = body.get("tool_choice")
        if isinstance(choice, dict):
            name = choice["function"]["name"]
            call = {
                "id": "call_1",
                "type": "function",
                "function": {
                    "name": name,
                    "arguments": json.dumps(self.tool_args, ensure_ascii=False),
                },
            }
            message: dict[str, Any] = {
                "role": "assistant",
                "content": None,
                "tool_calls": [call],
            }
            finish = "tool_calls"
        else:
            message, finish = {"role": "assistant", "content": self.text}, "stop"
        return {
            "id": "cmpl-1",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model", "fake"),
            "choices": [{"index": 0, "message": message, "finish_reason": finish}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        }

    def _chunks(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        base = {
            "id": "cmpl-1",
            "object": "chat.completion.chunk",
            "created": 0,
            "model": body.get("model", "fake"),
        }
        pieces = [self.text[i : i + 3] for i in range(0, len(self.text), 3)]
        chunks = [
            {
                **base,
                "choices": [
                    {"index": 0, "delta": {"content": p}, "finish_reason": None}
                ],
            }
            for p in pieces
        ]
        chunks.append(
            {**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
        )
        return chunks

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self._json(
                    {"object": "list", "data": [{"id": "fake", "object": "model"}]}
                )

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length))
                fake.requests.append(body)
                fake.authorization.append(self.headers.get("Authorization", ""))
                if not body.get("stream"):
                    self._json(fake._completion(body))
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                for chunk in fake._chunks(body):
                    data = json.dumps(chunk, ensure_ascii=False)
                    self.wfile.write(f"data: {data}\n\n".encode())
                self.wfile.write(b"data: [DONE]\n\n")

            def _json(self, data: dict[str, Any]) -> None:
                raw = json.dumps(data, ensure_ascii=False).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def log_message(self, *args: object) -> None:
                pass

        return Handler
