"""The objects one process shares, built once from the settings.

This is the one place that turns configuration into live objects: the
database engine, the knowledge base and the chat model. Optional back-ends
are imported only when first used.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from assistant.settings import Settings
from tools.db import make_engine, make_session_factory

if TYPE_CHECKING:
    from knowledge import KnowledgeBase


class Runtime:
    """Lazily built shared objects for one process."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @cached_property
    def engine(self) -> Engine:
        if self.settings.database_url is None:
            self.settings.ensure_data_dir()
        return make_engine(self.settings.resolved_database_url)

    @cached_property
    def sessions(self) -> sessionmaker[Session]:
        return make_session_factory(self.engine)

    @cached_property
    def knowledge(self) -> KnowledgeBase:
        from assistant.knowledge_factory import open_knowledge_base

        self.settings.ensure_data_dir()
        return open_knowledge_base(self.settings)

    def close(self) -> None:
        """Release connections; safe to call more than once."""
        if "engine" in self.__dict__:
            self.engine.dispose()
