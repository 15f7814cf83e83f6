"""The one paragraph of prose a workflow asks the model for."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage
from sqlalchemy.orm import Session, sessionmaker

from assistant import prompts
from assistant.gate import ModelGate
from assistant.llm import generate
from assistant.retrieval import KnowledgeSource
from tools.errors import ModelUnavailable

log = logging.getLogger(__name__)

_SENTENCE = re.compile(r"[^。！？]*[。！？]?")
MAX_PROSE = 300


@dataclass
class WorkflowDeps:
    """What the drafting workflows use."""

    model: BaseChatModel
    gate: ModelGate
    knowledge: Callable[[], KnowledgeSource | None]
    sessions: sessionmaker[Session]
    exports_dir: Path


async def paragraph(deps: WorkflowDeps, what: str, fallback: str, **facts: str) -> str:
    """A model-written paragraph without figures, or ``fallback``."""
    request = prompts.render("workflow_prose.md", what=what, **facts)
    messages = [SystemMessage(prompts.system_prompt("staff")), HumanMessage(request)]
    try:
        text = await generate(deps.model, deps.gate, messages)
    except ModelUnavailable:
        log.info("prose for %s fell back to the template", what)
        return fallback

    # Numbers belong to code: a sentence with a digit the model wrote goes.
    kept = [s for s in _SENTENCE.findall(text) if s and not re.search(r"\d", s)]
    body = "".join(kept).replace("#", "").strip()[:MAX_PROSE]
    return body or fallback
