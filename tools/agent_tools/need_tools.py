"""The agent's tools for residents' needs, volunteer binding and statistics."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from tools import identity, needs, stats
from tools.actors import Actor
from tools.agent_tools import schemas
from tools.agent_tools.runner import run
from tools.db import Resident
from tools.gazetteer import Placement

_GENDERS = {"男": "M", "女": "F"}


class NeedTools:
    """Tool bodies bound to one acting user; each returns quotable text."""

    def __init__(self, sessions: sessionmaker[Session], actor: Actor) -> None:
        self.sessions = sessions
        self.actor = actor

    def submit_need(self, **kwargs: object) -> str:
        args = schemas.SubmitNeedArgs.model_validate(kwargs)

        def work(session: Session) -> str:
            resident = session.get(Resident, self.actor.resident_id or 0)
            result = needs.submit_need(
                session,
                self.actor,
                category=args.category,
                description=args.description,
                address=args.address,
                contact_phone=args.contact_phone,
                preferred_time=args.preferred_time,
                urgency=args.urgency,
                lat=resident.lat if resident else None,
                lng=resident.lng if resident else None,
                beneficiary_gender=_GENDERS.get(args.beneficiary_gender or ""),
                beneficiary_age=args.beneficiary_age,
            )
            head = (
                "24小时内已提交过内容相同的需求，未重复登记，原需求如下："
                if result.duplicate
                else "需求已登记，工作人员审核后会安排志愿者："
            )
            where = _placement_line(result.placement)
            return f"{head}\n{needs.need_summary(result.need)}\n{where}"

        return run("submit_need", self.sessions, self.actor, work)

    def my_needs(self, **kwargs: object) -> str:
        args = schemas.MyNeedsArgs.model_validate(kwargs)

        def work(session: Session) -> str:
            found = needs.my_needs(
                session, self.actor, include_closed=args.include_closed
            )
            if not found:
                return "您目前没有需求记录。"
            lines = [f"您的需求（共 {len(found)} 条，最新在前）："]
            lines += [needs.need_line(n) for n in found]
            return "\n".join(lines)

        return run("my_needs", self.sessions, self.actor, work)

    def need_status(self, **kwargs: object) -> str:
        args = schemas.NeedRefArgs.model_validate(kwargs)

        def work(session: Session) -> str:
            need = needs.get_need(session, self.actor, args.need_code)
            events = needs.history(session, self.actor, need.id)
            lines = [needs.need_summary(need), "进度："]
            lines += [needs.event_line(e) for e in events]
            return "\n".join(lines)

        return run("need_status", self.sessions, self.actor, work)

    def cancel_need(self, **kwargs: object) -> str:
        args = schemas.CancelNeedArgs.model_validate(kwargs)

        def work(session: Session) -> str:
            need = needs.cancel(session, self.actor, args.need_code, args.reason)
            return f"需求 {need.code} 已取消。"

        return run("cancel_need", self.sessions, self.actor, work)

    def bind_volunteer(self, **kwargs: object) -> str:
        args = schemas.BindVolunteerArgs.model_validate(kwargs)

        def work(session: Session) -> str:
            bound = identity.redeem_binding_code(session, self.actor, args.code)
            return (
                "绑定成功：您的微信已绑定志愿者身份"
                f"（志愿者编号 {bound.volunteer_id}）。"
                "从下一条消息起，可以查询服务时长和接受派单。"
            )

        return run("bind_volunteer", self.sessions, self.actor, work)

    def org_statistics(self, **kwargs: object) -> str:
        args = schemas.OrgStatisticsArgs.model_validate(kwargs)

        def work(session: Session) -> str:
            figures = stats.org_statistics(session, self.actor, year=args.year)
            return figures.as_text(with_queries=True)

        return run("org_statistics", self.sessions, self.actor, work)


def _placement_line(placement: Placement) -> str:
    return f"地址定位：{placement.label}"
