import logging

import pytest

from tools.privacy import RedactingFilter, mask_id_number, mask_phone, mask_text


def test_phone_is_masked_to_first_three_and_last_four() -> None:
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("+86 138-1234-5678") == "138****5678"


def test_id_number_keeps_only_its_ends() -> None:
    assert mask_id_number("110101199003071234") == "110*************34"


def test_free_text_loses_phones_and_id_numbers() -> None:
    text = "我妈电话13812345678，身份证11010119900307123X，住望湖路"
    masked = mask_text(text)
    assert "13812345678" not in masked
    assert "11010119900307123X" not in masked
    assert "138****5678" in masked
    assert "望湖路" in masked


def test_longer_digit_runs_are_not_taken_for_phones() -> None:
    assert mask_text("订单号 213812345678901") == "订单号 213812345678901"


def test_log_records_are_redacted(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("test.redaction")
    logger.addFilter(RedactingFilter())
    with caplog.at_level(logging.INFO):
        logger.info("resident said %s", "call me on 13912345678")
    assert "13912345678" not in caplog.text
    assert "139****5678" in caplog.text
