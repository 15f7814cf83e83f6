"""The one place that builds the chat model, chosen by ``Settings.llm``.

``openai`` / ``openai:MODEL`` talk to any OpenAI-compatible endpoint;
``local`` (the default) and a path to a ``.gguf`` file start or reuse the
managed ``llama_cpp.server`` and reach it through the very same ChatOpenAI
code path; ``fake`` is the scripted model the tests use.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import httpx
from langchain_core.language_models import BaseChatModel
from pydantic import SecretStr

from assistant.settings import Settings
from tools.errors import ConfigError

if TYPE_CHECKING:
    from assistant.local_llm.server import LocalServer

log = logging.getLogger(__name__)


@dataclass
class ChatBackend:
    """A chat model with its name, readiness hook and concurrency limit."""

    name: str
    model: BaseChatModel
    # Called (in a worker thread) before a request: starts a local server.
    prepare: Callable[[], None] | None = None
    # Requests sent at once; the local server answers one at a time.
    concurrency: int = 4
    # Requests allowed to wait beyond those; more are refused as "busy".
    max_waiting: int = 16
    close: Callable[[], None] = field(default=lambda: None)
    # The managed local server, when this back-end has one.
    server: LocalServer | None = None
    # The HTTP client of an OpenAI-compatible back-end, closed by ``aclose``.
    http_client: httpx.AsyncClient | None = None

    async def aclose(self) -> None:
        """Close the HTTP client, in the event loop that used it."""
        if self.http_client is not None:
            await self.http_client.aclose()


# The local server keeps working on a request the client gave up on, so a
# retry only queues a second copy behind it: no retries, a generous timeout.
LOCAL_TIMEOUT = 300.0


def _openai_model(
    settings: Settings,
    *,
    base_url: str | None,
    model: str,
    api_key: str,
    local: bool = False,
) -> tuple[BaseChatModel, httpx.AsyncClient]:
    from langchain_openai import ChatOpenAI

    timeout = (
        max(settings.llm_timeout, LOCAL_TIMEOUT) if local else settings.llm_timeout
    )
    client = httpx.AsyncClient(timeout=timeout)
    chat = ChatOpenAI(
        model=model,
        base_url=base_url,
        api_key=SecretStr(api_key),
        # A client of its own: the library's shared one stays bound to the
        # first event loop that used it.
        http_async_client=client,
        timeout=timeout,
        max_retries=0 if local else settings.llm_max_retries,
        temperature=0.2,
    )
    return chat, client


def _openai_backend(settings: Settings) -> ChatBackend:
    _, _, named = settings.llm.partition(":")
    model = named or settings.openai_model
    key = settings.openai_api_key.get_secret_value()
    if not key and not settings.openai_base_url:
        raise ConfigError(
            "WEIAI_LLM=openai 需要 WEIAI_OPENAI_API_KEY（以及非 OpenAI 服务的 "
            "WEIAI_OPENAI_BASE_URL）；不联网时请使用 WEIAI_LLM=local。"
        )
    chat, client = _openai_model(
        settings, base_url=settings.openai_base_url, model=model, api_key=key or "none"
    )
    return ChatBackend(name=f"openai:{model}", model=chat, http_client=client)


def _local_backend(settings: Settings) -> ChatBackend:
    from assistant.local_llm.gguf import resolve_model_path
    from assistant.local_llm.server import LocalServer, ServerConfig

    path = resolve_model_path(settings.llm, settings.models_dir)
    server = LocalServer(
        ServerConfig(
            model_path=path,
            port=settings.local_llm_port,
            n_ctx=settings.local_llm_context,
            n_threads=settings.local_llm_threads,
            log_path=settings.data_dir / "logs" / "llama-server.log",
        )
    )
    # llama_cpp.server names the model after the path it was given.
    chat, client = _openai_model(
        settings, base_url=server.base_url, model=str(path), api_key="local", local=True
    )
    return ChatBackend(
        name=f"local:{path.name}",
        model=chat,
        prepare=server.ensure_running,
        concurrency=1,
        close=server.stop,
        server=server,
        http_client=client,
    )


def make_chat_backend(settings: Settings) -> ChatBackend:
    """Build the chat back-end that ``settings.llm`` names."""
    choice = settings.llm.strip()
    if choice == "fake":
        from assistant.fake import ScriptedChatModel

        return ChatBackend(name="fake", model=ScriptedChatModel())
    if choice == "openai" or choice.startswith("openai:"):
        return _openai_backend(settings)
    if choice == "local" or choice.endswith(".gguf"):
        return _local_backend(settings)
    raise ConfigError(
        f"WEIAI_LLM={choice!r} 无法识别：可用 local、openai、openai:模型名、"
        "fake，或一个 .gguf 文件的路径。"
    )
