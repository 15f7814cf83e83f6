"""What each WeChat message or event means: a question, or a fixed reply.

``classify`` is pure: it names the retry key and says whether the assistant
must answer. ``react`` performs the side effects of everything else (welcome,
grid from a QR scene, stored location) and is run once per message, never on
WeChat's repeat deliveries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from webhook import residents, texts
from webhook.inbox import Sessions

# Menu CLICK keys; ``weiai wechat menu push`` creates buttons with these keys.
MENU_HELP, MENU_HOURS, MENU_FAQ, MENU_HUMAN = "HELP", "HOURS", "FAQ", "HUMAN"
BIND_RE = re.compile(r"^\s*绑定\s*([0-9A-Za-z]{4,12})\s*$")
FIXED_CLICKS = {
    MENU_HELP: texts.MENU_HELP,
    MENU_FAQ: texts.MENU_FAQ,
    MENU_HUMAN: texts.MENU_HUMAN,
}
ACKS = {
    "image": texts.IMAGE_ACK,
    "link": texts.LINK_ACK,
    "video": texts.MEDIA_ACK,
    "shortvideo": texts.MEDIA_ACK,
    "miniprogrampage": texts.MEDIA_ACK,
}


@dataclass(frozen=True)
class Intake:
    """``kind`` is ``ask`` (for the assistant) or ``done`` (answered here)."""

    dedup_key: str
    kind: str
    text: str = ""


def dedup_key(message: Any) -> str:
    """WeChat's retry identity: MsgId, or sender + time + event for events."""
    if message.type == "event":
        event = str(getattr(message, "event", "") or "")
        return f"evt:{message.source}:{message.time}:{event}"
    if message.id:
        return f"msg:{message.id}"
    return f"msg:{message.source}:{message.time}:{message.type}"


def classify(message: Any) -> Intake:
    """Whether ``message`` goes to the assistant, and with which text."""
    key = dedup_key(message)
    text = ""
    if message.type == "text":
        text = str(message.content or "").strip()
    elif message.type == "voice":
        text = str(message.recognition or "").strip()
    elif (
        message.type == "event"
        and message.event == "click"
        and message.key == MENU_HOURS
    ):
        text = texts.MENU_HOURS_QUESTION
    if text and not BIND_RE.match(text):
        return Intake(key, "ask", text)
    return Intake(key, "done", text)


def react(sessions: Sessions, message: Any) -> str | None:
    """Side effects and reply of a message answered here; None means none."""
    kind = message.type
    if kind == "event":
        return _react_event(sessions, message)
    if kind == "text":
        match = BIND_RE.match(str(message.content or ""))
        if match:
            return residents.redeem_code(sessions, message.source, match.group(1))
        return texts.UNSUPPORTED
    if kind == "voice":
        return texts.VOICE_UNRECOGNISED
    if kind == "location":
        return _store_location(
            sessions, message.source, message.location_x, message.location_y
        )
    return ACKS.get(kind, texts.UNSUPPORTED)


def _react_event(sessions: Sessions, message: Any) -> str | None:
    event, openid = message.event, message.source
    if event in ("subscribe", "subscribe_scan"):
        residents.ensure_resident(sessions, openid)
        scene = (
            getattr(message, "scene_id", None) if event == "subscribe_scan" else None
        )
        return texts.WELCOME + (
            "\n\n" + _grid_line(sessions, openid, scene) if scene else ""
        )
    if event == "scan":
        return _grid_line(sessions, openid, message.scene_id)
    if event == "unsubscribe":
        residents.unsubscribe(sessions, openid)
        return None
    if event == "location":
        residents.set_location(sessions, openid, message.latitude, message.longitude)
        return None
    if event == "click":
        return FIXED_CLICKS.get(str(message.key), texts.UNSUPPORTED)
    # VIEW opens a page; other events need no answer.
    return None


def _grid_line(sessions: Sessions, openid: str, scene: str | None) -> str:
    name = residents.set_grid(sessions, openid, str(scene or ""))
    return texts.GRID_SET.format(name=name) if name else texts.GRID_UNKNOWN


def _store_location(sessions: Sessions, openid: str, lat: Any, lng: Any) -> str:
    try:
        ok = residents.set_location(sessions, openid, float(lat), float(lng))
    except (TypeError, ValueError):
        ok = False
    return texts.LOCATION_SAVED if ok else texts.UNSUPPORTED
