"""The data model (SQLAlchemy 2.0) and its migrations.

Importing this package registers every table on ``Base.metadata``.
"""

from tools.db import ledger, messaging, needs, org, people
from tools.db.base import Base, utcnow
from tools.db.engine import make_engine, make_session_factory, session_scope
from tools.db.ledger import Certificate, LedgerEntry
from tools.db.migrate import current_revision, head_revision, upgrade
from tools.db.needs import (
    Assignment,
    Feedback,
    Need,
    NeedEvent,
    SafeguardingAlert,
    ServiceRecord,
)
from tools.db.org import Building, Community, Grid, Project, Street
from tools.db.people import BindingCode, Resident, StaffAccount, Volunteer

__all__ = [
    "Assignment",
    "Base",
    "BindingCode",
    "Building",
    "Certificate",
    "Community",
    "Feedback",
    "Grid",
    "LedgerEntry",
    "Need",
    "NeedEvent",
    "Project",
    "Resident",
    "SafeguardingAlert",
    "ServiceRecord",
    "StaffAccount",
    "Street",
    "Volunteer",
    "current_revision",
    "head_revision",
    "ledger",
    "make_engine",
    "make_session_factory",
    "messaging",
    "needs",
    "org",
    "people",
    "session_scope",
    "upgrade",
    "utcnow",
]
