"""Residents' needs (需求清单): submission, review, workflow and reading.

Every function takes the acting user and checks permission itself.
"""

from tools.needs.queries import (
    approve,
    cancel,
    close,
    get_need,
    history,
    my_needs,
    reject,
)
from tools.needs.render import event_line, need_line, need_summary
from tools.needs.submit import NEED_CODE_PATTERN, SubmitResult, submit_need
from tools.needs.validation import normalise_phone, preferred_slot
from tools.needs.workflow import STATUS_LABELS, TRANSITIONS, label, transition

__all__ = [
    "NEED_CODE_PATTERN",
    "STATUS_LABELS",
    "TRANSITIONS",
    "SubmitResult",
    "approve",
    "cancel",
    "close",
    "event_line",
    "get_need",
    "history",
    "label",
    "my_needs",
    "need_line",
    "need_summary",
    "normalise_phone",
    "preferred_slot",
    "reject",
    "submit_need",
    "transition",
]
