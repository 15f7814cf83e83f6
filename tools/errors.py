"""The exceptions every package raises.

Each message says what happened and, where it can, what to do about it. They
turn into HTTP answers or chat replies only at the edge, in ``webhook/`` and
the CLI; inside the packages they travel as they are.
"""


class WeiaiError(Exception):
    """Base class: a failure that a user or an operator can act on."""


class ConfigError(WeiaiError):
    """A setting is missing or wrong; the message names the variable."""


class StorageError(WeiaiError):
    """The database or a data directory cannot be reached or written."""


class SignatureError(WeiaiError):
    """A WeChat signature, timestamp or AppID did not check out."""


class KnowledgeBaseError(WeiaiError):
    """The knowledge base could not ingest, index or search."""


class ToolInputError(WeiaiError):
    """A domain service refused its input (bad phone, unknown category...)."""


class InvalidTransition(ToolInputError):
    """A need or assignment cannot move to the requested status."""


class NotFound(WeiaiError):
    """The record does not exist, or the acting user may not know it does."""


class PermissionDenied(WeiaiError):
    """The acting user's role does not allow this action."""


class ModelUnavailable(WeiaiError):
    """The chat or embedding model could not be loaded or did not answer."""
