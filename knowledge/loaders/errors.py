"""The error a loader raises for a file it cannot read."""

from tools.errors import KnowledgeBaseError


class LoadError(KnowledgeBaseError):
    """A file could not be read; the message is the reason shown to staff."""
