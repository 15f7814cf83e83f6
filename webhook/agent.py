"""The slice of the assistant the webhook uses, and how its replies read.

The webhook depends only on ``respond``, ``stream`` and ``aclose`` and on the
fields of ``Reply``; tests pass a scripted stand-in with the same shape.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, Protocol

from assistant.api import User

__all__ = ["AssistantLike", "User", "render_reply"]


class AssistantLike(Protocol):
    """What the webhook calls on the assistant."""

    async def respond(
        self, user: User, message: str, *, deadline: float | None = None
    ) -> Any: ...

    def stream(self, user: User, message: str) -> AsyncIterator[Any]: ...

    async def aclose(self) -> None: ...


def render_reply(reply: Any) -> str:
    """The reply as one WeChat text: the answer, then its sources."""
    text = str(reply.text).strip()
    citations = list(getattr(reply, "citations", None) or [])
    if not citations:
        return text
    lines = dict.fromkeys(citation.render() for citation in citations)
    return text + "\n\n" + "\n".join(lines)


def citations_payload(reply: Any) -> list[dict[str, Any]]:
    """The reply's citations as JSON-ready dicts for the web page."""
    return [
        {
            "title": c.title,
            "section": c.section,
            "updated": c.updated,
            "source": c.source,
        }
        for c in getattr(reply, "citations", None) or []
    ]
