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
from tools.ledger.chain import GENESIS, Transfer, append, chain_head, entry_hash
from tools.ledger.earning import earn_transfer

__all__ = [
    "BANK",
    "EARN",
    "EXCHANGE",
    "GENESIS",
    "GRANT",
    "KINDS",
    "MOVE",
    "Transfer",
    "append",
    "chain_head",
    "earn_transfer",
    "entry_hash",
    "parse_volunteer_account",
    "project_account",
    "volunteer_account",
]
