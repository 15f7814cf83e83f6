"""Conversation memory: a LangGraph checkpointer per deployment, one thread per user.

SQLite under the data directory by default, PostgreSQL when the database is
PostgreSQL. The thread id is a hash of the user's openid, so one user's
history can only be loaded by a turn of that same user. Prompts see the
history trimmed by characters (no tokenizer, nothing to download).
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.memory import InMemorySaver

# Characters of earlier conversation a prompt may carry; with the local model
# every 1.5 characters of Chinese cost about one token of prompt time.
HISTORY_CHARS = 600
# Messages kept in the checkpoint; older ones are dropped for good.
KEEP_MESSAGES = 24


def thread_id(openid: str) -> str:
    """The checkpoint thread of one user."""
    return "user-" + hashlib.sha256(openid.encode("utf-8")).hexdigest()[:32]


def trim_history(
    messages: Sequence[BaseMessage], max_chars: int = HISTORY_CHARS
) -> list[BaseMessage]:
    """The most recent user and assistant turns that fit in ``max_chars``."""
    kept: list[BaseMessage] = []
    used = 0
    for message in reversed(messages):
        if not isinstance(message, HumanMessage | AIMessage) or not message.content:
            continue
        size = len(str(message.content))
        if kept and used + size > max_chars:
            break
        kept.append(message)
        used += size
    kept.reverse()

    # A prompt's history starts with the user, as chat templates expect.
    while kept and not isinstance(kept[0], HumanMessage):
        kept.pop(0)
    return kept


def _postgres_conninfo(url: str) -> str:
    # SQLAlchemy's driver suffix means nothing to psycopg itself.
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


@asynccontextmanager
async def open_checkpointer(
    database_url: str | None, data_dir: Path | None
) -> AsyncIterator[BaseCheckpointSaver]:
    """The saver for this deployment, open for the duration of the block."""
    if database_url and database_url.startswith("postgresql"):
        from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver

        async with AsyncPostgresSaver.from_conn_string(
            _postgres_conninfo(database_url)
        ) as saver:
            await saver.setup()
            yield saver
        return
    if data_dir is None:
        yield InMemorySaver()
        return

    from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

    data_dir.mkdir(parents=True, exist_ok=True)
    async with AsyncSqliteSaver.from_conn_string(
        str(data_dir / "memory.sqlite")
    ) as saver:
        await saver.setup()
        yield saver
