"""Account keys and the canonical content that ledger hashes cover."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from tools import ledger
from tools.errors import ToolInputError
from tools.ledger.chain import stamp


def test_a_volunteer_account_names_the_volunteer_and_the_project() -> None:
    key = ledger.volunteer_account(42, "bath")

    parsed = ledger.parse_volunteer_account(key)

    assert key == "volunteer:42:bath"
    assert parsed is not None and (parsed.volunteer_id, parsed.project_code) == (
        42,
        "bath",
    )
    assert ledger.parse_volunteer_account(ledger.project_account("bath")) is None
    assert ledger.parse_volunteer_account(ledger.BANK) is None


def test_a_project_code_with_a_colon_is_refused() -> None:
    with pytest.raises(ToolInputError):
        ledger.volunteer_account(1, "a:b")


def test_the_same_moment_in_any_timezone_hashes_the_same() -> None:
    utc = datetime(2025, 1, 1, 0, 30, tzinfo=UTC)
    beijing = utc.astimezone(timezone(timedelta(hours=8)))

    assert stamp(utc) == stamp(beijing) == "2025-01-01 00:30:00.000000"
    first = ledger.entry_hash(ledger.GENESIS, utc, "earn", "a", "b", 5, None, None, "")
    again = ledger.entry_hash(
        ledger.GENESIS, beijing, "earn", "a", "b", 5, None, None, ""
    )
    assert first == again


def test_any_field_change_changes_the_hash() -> None:
    at = datetime(2025, 1, 1, tzinfo=UTC)
    base = (ledger.GENESIS, at, "earn", "a", "b", 5, 1, 2, "memo")
    original = ledger.entry_hash(*base)

    for i, changed in enumerate(
        ("1" * 64, at + timedelta(microseconds=1), "move", "x", "y", 6, 3, 4, "memo!")
    ):
        altered = list(base)
        altered[i] = changed
        assert ledger.entry_hash(*altered) != original  # type: ignore[arg-type]
