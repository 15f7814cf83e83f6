"""Masking of residents' personal data for display and for logs.

Phones and ID numbers are stored in full (staff need them to call a resident)
but every rendering, every log line and every prompt sees the masked form.
"""

from __future__ import annotations

import logging
import re

# Mainland mobile numbers, optionally with +86 and separators.
PHONE_RE = re.compile(
    r"(?<!\d)(?:\+?86[-\s]?)?(1[3-9]\d)[-\s]?(\d{4})[-\s]?(\d{4})(?!\d)"
)
# 18-character resident identity numbers (last character may be X).
ID_RE = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8})(\d{3}[\dXx])(?![0-9A-Za-z])")


def mask_phone(phone: str | None) -> str:
    """Render a phone number as ``138****5678``; other text keeps 1/3 visible."""
    if not phone:
        return ""
    digits = re.sub(r"\D", "", phone)
    if len(digits) >= 11:
        digits = digits[-11:]
        return f"{digits[:3]}****{digits[-4:]}"
    if len(digits) <= 4:
        return "*" * len(digits)
    return f"{digits[:2]}{'*' * (len(digits) - 4)}{digits[-2:]}"


def mask_id_number(value: str | None) -> str:
    """Render an identity number keeping the first 3 and last 2 characters."""
    if not value:
        return ""
    return f"{value[:3]}{'*' * max(len(value) - 5, 0)}{value[-2:]}"


def mask_address(address: str | None, keep: int = 6) -> str:
    """Keep the district-level head of an address and hide the rest."""
    if not address:
        return ""
    if len(address) <= keep:
        return address[:2] + "*" * (len(address) - 2)
    return address[:keep] + "****"


def mask_text(text: str) -> str:
    """Mask every phone and ID number found inside free text."""
    text = ID_RE.sub(lambda m: mask_id_number(m.group(0)), text)
    return PHONE_RE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)


class RedactingFilter(logging.Filter):
    """A last line of defence: mask phones and ID numbers in every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True
        masked = mask_text(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True
