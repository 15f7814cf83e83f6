"""Account keys of the hours ledger and the kinds of transfer between them.

A volunteer holds one account per project (``volunteer:42:bath``), so hours
earned in one project can be moved to another; each project has an account
(``project:bath``) that issues the hours its volunteers earn; the time bank
(``bank``) receives hours a volunteer exchanges for services.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_

from tools.errors import ToolInputError

BANK = "bank"
VOLUNTEER_PREFIX = "volunteer:"
PROJECT_PREFIX = "project:"

EARN = "earn"  # project -> volunteer, for a confirmed service record
EXCHANGE = "exchange"  # volunteer -> bank, hours spent on a service
MOVE = "move"  # volunteer (project A) -> volunteer (project B)
GRANT = "grant"  # bank -> volunteer, hours awarded by staff
KINDS = (EARN, EXCHANGE, MOVE, GRANT)


@dataclass(frozen=True)
class VolunteerAccount:
    """A parsed volunteer account key."""

    volunteer_id: int
    project_code: str


def volunteer_account(volunteer_id: int, project_code: str) -> str:
    """The key of a volunteer's account within one project."""
    return f"{VOLUNTEER_PREFIX}{int(volunteer_id)}:{_code(project_code)}"


def volunteer_prefix(volunteer_id: int) -> str:
    """The key prefix every account of one volunteer starts with."""
    return f"{VOLUNTEER_PREFIX}{int(volunteer_id)}:"


def owned_by(column: Any, volunteer_id: int, dialect: str) -> Any:
    """A condition: ``column`` names one of the volunteer's accounts.

    On SQLite (binary string order) this is a key range the account index
    serves; elsewhere a LIKE prefix, because a locale collation may order
    punctuation differently.
    """
    prefix = volunteer_prefix(volunteer_id)
    if dialect == "sqlite":
        # ";" follows ":" in code-point order: the range is exactly the prefix.
        return and_(column >= prefix, column < prefix[:-1] + ";")
    return column.like(f"{prefix}%")


def project_account(project_code: str) -> str:
    """The key of a project's issuing account."""
    return f"{PROJECT_PREFIX}{_code(project_code)}"


def parse_volunteer_account(key: str) -> VolunteerAccount | None:
    """Split a volunteer account key; None for project and bank accounts."""
    if not key.startswith(VOLUNTEER_PREFIX):
        return None
    volunteer, _, project = key[len(VOLUNTEER_PREFIX) :].partition(":")
    return VolunteerAccount(int(volunteer), project)


def is_account_key(key: str) -> bool:
    """Whether ``key`` names a bank, project or volunteer account."""
    if key == BANK:
        return True
    if key.startswith(PROJECT_PREFIX):
        return bool(key[len(PROJECT_PREFIX) :])
    if key.startswith(VOLUNTEER_PREFIX):
        volunteer, sep, project = key[len(VOLUNTEER_PREFIX) :].partition(":")
        return volunteer.isdigit() and bool(sep) and bool(project)
    return False


def _code(project_code: str) -> str:
    if not project_code or ":" in project_code:
        raise ToolInputError(f"项目编码“{project_code}”无效，应为不含冒号的编码。")
    return project_code
