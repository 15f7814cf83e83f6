"""Who is talking: openids to actors, staff sign-in, volunteer binding codes.

Any WeChat user is a resident (created on first contact). A resident becomes
a volunteer by redeeming a one-time code that staff issue for a volunteer
record; staff sign in with a username and a bcrypt-hashed password, or act
through an openid bound to their account.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import UTC, datetime, timedelta

import bcrypt
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tools import district
from tools.actors import Actor, Role
from tools.db import BindingCode, Grid, Resident, StaffAccount, Volunteer
from tools.errors import NotFound, PermissionDenied, ToolInputError

log = logging.getLogger(__name__)

# No 0/O or 1/I/L: codes are read aloud and typed on phones.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8
CODE_TTL = timedelta(hours=72)
CODE_REFUSED = "绑定码无效、已使用或已过期，请联系工作人员重新获取。"
MIN_PASSWORD = 10
# A real hash of a random password, checked when the username is unknown so
# that a failed sign-in takes the same time either way.
_DUMMY_HASH = bcrypt.hashpw(secrets.token_bytes(16), bcrypt.gensalt(rounds=4))


def _aware(moment: datetime) -> datetime:
    # SQLite returns naive datetimes; every stored time is UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def resolve_actor(session: Session, openid: str) -> Actor:
    """The actor behind ``openid``; an unknown openid becomes a resident."""
    if not openid or len(openid) > 64:
        raise ToolInputError("无法识别当前用户（openid 无效）。")

    staff = session.scalar(
        select(StaffAccount).where(
            StaffAccount.openid == openid, StaffAccount.active.is_(True)
        )
    )
    if staff is not None:
        return Actor(role="staff", openid=openid, staff_id=staff.id)

    resident = _get_or_create_resident(session, openid)
    volunteer_id = session.scalar(
        select(Volunteer.id).where(
            Volunteer.openid == openid, Volunteer.status == "active"
        )
    )
    role: Role = "volunteer" if volunteer_id is not None else "resident"
    return Actor(
        role=role, openid=openid, resident_id=resident.id, volunteer_id=volunteer_id
    )


def _get_or_create_resident(session: Session, openid: str) -> Resident:
    found = session.scalar(select(Resident).where(Resident.openid == openid))
    if found is not None:
        return found

    # Two first messages from one user can race; the unique openid decides.
    try:
        with session.begin_nested():
            resident = Resident(openid=openid)
            session.add(resident)
    except IntegrityError:
        found = session.scalar(select(Resident).where(Resident.openid == openid))
        assert found is not None
        return found
    log.info("resident created id=%s", resident.id)
    return resident


def hash_password(password: str) -> str:
    """A bcrypt hash of ``password``; short passwords are refused."""
    if len(password) < MIN_PASSWORD:
        raise ToolInputError(f"密码至少需要 {MIN_PASSWORD} 个字符。")
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt()).decode()


def create_staff(
    session: Session, username: str, display_name: str, password: str
) -> StaffAccount:
    """Create a staff account with a hashed password."""
    username = username.strip()
    if not username:
        raise ToolInputError("用户名不能为空。")
    if session.scalar(select(StaffAccount.id).where(StaffAccount.username == username)):
        raise ToolInputError(f"用户名“{username}”已被使用。")
    account = StaffAccount(
        username=username,
        display_name=display_name or username,
        password_hash=hash_password(password),
    )
    session.add(account)
    session.flush()
    log.info("staff account created id=%s", account.id)
    return account


def verify_staff(session: Session, username: str, password: str) -> Actor:
    """The staff actor for a correct username and password."""
    account = session.scalar(
        select(StaffAccount).where(StaffAccount.username == username.strip())
    )
    stored = account.password_hash.encode() if account else _DUMMY_HASH
    ok = bcrypt.checkpw(password.encode(), stored)
    if account is None or not ok or not account.active:
        log.info("staff sign-in refused")
        raise PermissionDenied("用户名或密码不正确。")
    return Actor(role="staff", openid=account.openid, staff_id=account.id)


def bind_staff_openid(session: Session, actor: Actor, openid: str) -> None:
    """Let a signed-in staff member act through their WeChat openid."""
    actor.require("staff")
    account = session.get(StaffAccount, actor.staff_id)
    if account is None:
        raise NotFound("找不到该工作人员账号。")
    account.openid = openid
    session.flush()


def _code_hash(code: str) -> str:
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


def issue_binding_code(
    session: Session, actor: Actor, volunteer_id: int, *, now: datetime | None = None
) -> str:
    """A fresh one-time code for ``volunteer_id``; only its hash is stored."""
    actor.require("staff")
    volunteer = session.get(Volunteer, volunteer_id)
    if volunteer is None:
        raise NotFound(f"找不到编号为 {volunteer_id} 的志愿者。")

    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    moment = now or datetime.now(UTC)
    session.add(
        BindingCode(
            code_hash=_code_hash(code),
            volunteer_id=volunteer.id,
            issued_by=actor.staff_id,
            expires_at=moment + CODE_TTL,
        )
    )
    session.flush()
    log.info("binding code issued volunteer=%s staff=%s", volunteer.id, actor.staff_id)
    return code


def redeem_binding_code(
    session: Session, actor: Actor, code: str, *, now: datetime | None = None
) -> Actor:
    """Bind the resident's openid to the code's volunteer; return the new actor."""
    actor.require("resident", "volunteer")
    if actor.volunteer_id is not None:
        raise ToolInputError("您的微信已经绑定了志愿者身份，无需再次绑定。")
    moment = now or datetime.now(UTC)

    row = session.scalar(
        select(BindingCode)
        .where(BindingCode.code_hash == _code_hash(code))
        .with_for_update()
    )
    if row is None or row.used_at is not None or _aware(row.expires_at) < moment:
        raise ToolInputError(CODE_REFUSED)
    volunteer = session.get(Volunteer, row.volunteer_id)
    assert volunteer is not None
    if volunteer.openid and volunteer.openid != actor.openid:
        raise ToolInputError("该志愿者身份已绑定其他微信，请联系工作人员处理。")

    # Compare-and-set, so that of two residents racing with one code only
    # the first binds (SQLite has no row locks).
    claimed = session.execute(
        update(BindingCode)
        .where(BindingCode.id == row.id, BindingCode.used_at.is_(None))
        .values(used_at=moment)
        .execution_options(synchronize_session=False)
    )
    if getattr(claimed, "rowcount", 1) != 1:
        raise ToolInputError(CODE_REFUSED)
    volunteer.openid = actor.openid
    session.flush()
    log.info("volunteer bound id=%s", volunteer.id)
    return Actor(
        role="volunteer",
        openid=actor.openid,
        resident_id=actor.resident_id,
        volunteer_id=volunteer.id,
    )


def _own_resident(session: Session, actor: Actor) -> Resident:
    actor.require("resident", "volunteer")
    resident = session.get(Resident, actor.resident_id)
    if resident is None:
        raise NotFound("找不到您的居民档案，请重新发送消息。")
    return resident


def set_resident_grid(session: Session, actor: Actor, code: str) -> Grid:
    """Set the actor's grid from a grid code (JB01-03) or community code (JB01)."""
    resident = _own_resident(session, actor)
    code = code.strip().upper()
    community = district.community_by_code(code)
    grid_code = community.grids[0].code if community else code
    grid = session.scalar(select(Grid).where(Grid.code == grid_code))
    if grid is None:
        raise ToolInputError(
            f"没有编号为“{code}”的社区或网格，请核对社区工作人员提供的编号。"
        )
    resident.grid_id = grid.id
    session.flush()
    return grid


def set_resident_location(
    session: Session, actor: Actor, lat: float, lng: float
) -> None:
    """Store the location a resident shared (WeChat location message)."""
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        raise ToolInputError("位置坐标不正确。")
    resident = _own_resident(session, actor)
    resident.lat, resident.lng = lat, lng
    session.flush()
