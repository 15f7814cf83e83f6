"""The ledger transfer for hours earned by one confirmed service record."""

from __future__ import annotations

from tools.db.needs import ServiceRecord
from tools.db.org import Project
from tools.ledger.accounts import EARN, project_account, volunteer_account
from tools.ledger.chain import Transfer


def earn_transfer(record: ServiceRecord, project: Project) -> Transfer:
    """Minutes of ``record`` moving from ``project``'s account to the volunteer.

    The record must have been flushed (it needs its id) and belong to
    ``project``. The entry is dated when the service began, so that hours
    count towards the year in which they were served.
    """
    if record.id is None:
        raise ValueError("flush the service record before building its transfer")
    if record.project_id != project.id:
        raise ValueError("the service record belongs to another project")
    return Transfer(
        kind=EARN,
        from_account=project_account(project.code),
        to_account=volunteer_account(record.volunteer_id, project.code),
        minutes=record.minutes,
        at=record.started_at,
        project_id=project.id,
        service_record_id=record.id,
        memo=record.content[:200],
    )
