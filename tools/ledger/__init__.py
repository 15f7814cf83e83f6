"""The hours ledger (时间银行): a hash-chained, double-entry record of minutes.

Balances are always sums over entries; nothing stores or edits a balance.
"""

from tools.ledger.accounts import (
    BANK,
    EARN,
    EXCHANGE,
    GRANT,
    KINDS,
    MOVE,
    parse_volunteer_account,
    project_account,
    volunteer_account,
)
from tools.ledger.bank import (
    exchange_hours,
    grant_hours,
    minutes_from_hours,
    move_hours,
)
from tools.ledger.chain import GENESIS, Transfer, append, chain_head, entry_hash
from tools.ledger.earning import earn_transfer
from tools.ledger.queries import (
    EntryView,
    HoursSummary,
    authorise_hours,
    balances_by_project,
    hours_summary,
    last_entries,
)
from tools.ledger.vanguard import (
    HOURS_STANDARD,
    SATISFACTION_STANDARD,
    VanguardInputs,
    vanguard_inputs,
)
from tools.ledger.verify import ChainReport, verify_chain

__all__ = [
    "BANK",
    "EARN",
    "EXCHANGE",
    "GENESIS",
    "GRANT",
    "HOURS_STANDARD",
    "KINDS",
    "MOVE",
    "SATISFACTION_STANDARD",
    "ChainReport",
    "EntryView",
    "HoursSummary",
    "Transfer",
    "VanguardInputs",
    "append",
    "authorise_hours",
    "balances_by_project",
    "chain_head",
    "earn_transfer",
    "entry_hash",
    "exchange_hours",
    "grant_hours",
    "hours_summary",
    "last_entries",
    "minutes_from_hours",
    "move_hours",
    "parse_volunteer_account",
    "project_account",
    "vanguard_inputs",
    "verify_chain",
    "volunteer_account",
]
