"""Who is acting: every domain service takes an ``Actor`` and checks it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from tools.errors import PermissionDenied

Role = Literal["resident", "volunteer", "staff"]
ROLE_NAMES: dict[str, str] = {
    "resident": "居民",
    "volunteer": "志愿者",
    "staff": "工作人员",
}


@dataclass(frozen=True)
class Actor:
    """The acting user as the services see them.

    A volunteer is a resident whose openid is bound to a volunteer record, so
    a volunteer also has a ``resident_id``. Staff act through the web page or
    a bound openid.
    """

    role: Role
    openid: str | None = None
    resident_id: int | None = None
    volunteer_id: int | None = None
    staff_id: int | None = None

    def require(self, *roles: Role) -> None:
        """Raise PermissionDenied unless the actor has one of ``roles``."""
        if self.role not in roles:
            allowed = "、".join(ROLE_NAMES[r] for r in roles)
            raise PermissionDenied(f"此操作仅限{allowed}使用。")

    @property
    def is_staff(self) -> bool:
        return self.role == "staff"
