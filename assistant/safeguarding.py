"""Messages about danger to a person: a fixed reply and an alert for staff.

Detection is by phrases, on purpose: it must not depend on the model, and a
false alarm costs a staff member one look while a miss can cost a life. Words
that mark a question *about* safety (预防, 培训 …) keep a training question
such as 「怎么预防老人摔倒」 from raising an alert.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from assistant import prompts
from tools.db import SafeguardingAlert, session_scope
from tools.privacy import mask_text

log = logging.getLogger(__name__)

_PATTERNS: dict[str, str] = {
    "suicide": r"自杀|轻生|寻死|不想活|活不下去|活着没意思|结束(自己的)?生命|想死|"
    r"跳楼|割腕|吃安眠药",
    "missing_child": r"(孩子|小孩|儿子|女儿|娃|孙子|孙女).{0,6}(丢了|走丢|走失|不见了|"
    r"找不到|没回家)|走失.{0,4}(孩子|小孩|儿童)",
    "fall": r"摔倒|跌倒|摔了一跤|摔在地上|倒在地上|倒地不起|(摔|滑|跌).{0,6}起不来",
    "medical": r"昏迷|晕倒|不省人事|没有?呼吸|喘不上气|呼吸困难|胸口(剧)?痛|"
    r"抽搐|大出血|中风|心脏病(犯|发作)",
    "abuse": r"家暴|虐待|被(他|她|人)?打|打我|殴打|威胁要杀|性侵|猥亵",
    "fire": r"着火|火灾|起火|煤气泄漏|燃气泄漏",
}
_COMPILED = {kind: re.compile(pattern) for kind, pattern in _PATTERNS.items()}
_ABOUT_SAFETY = re.compile(
    r"预防|防止|避免|防范|培训|讲座|课程|知识|宣传|演练|规定|手册"
)


@dataclass(frozen=True)
class Danger:
    """A detected danger: its kind and the fixed reply to send."""

    kind: str
    reply: str


def detect(text: str) -> str | None:
    """The kind of danger the message reports, or None."""
    if _ABOUT_SAFETY.search(text):
        return None
    for kind, pattern in _COMPILED.items():
        if pattern.search(text):
            return kind
    return None


def reply_for(kind: str) -> str:
    """The fixed emergency reply for a kind of danger."""
    leads = prompts.table("safeguarding_leads.yaml")
    lead = leads.get(kind) or leads.get("danger", "")
    return prompts.render("safeguarding.md", lead=lead)


def check(text: str) -> Danger | None:
    """Detect danger and build its reply, or None for an ordinary message."""
    kind = detect(text)
    return None if kind is None else Danger(kind, reply_for(kind))


def record_alert(
    sessions: sessionmaker[Session], openid: str, kind: str, text: str
) -> int:
    """Store a SafeguardingAlert for staff, with the message text masked."""
    with session_scope(sessions) as session:
        alert = SafeguardingAlert(
            openid=openid, kind=kind, excerpt=mask_text(text)[:200]
        )
        session.add(alert)
        session.flush()
        alert_id = alert.id
    log.warning("safeguarding alert %s recorded (kind=%s)", alert_id, kind)
    return alert_id
