"""Document metadata from front matter or file properties."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
# Keys tried in order for the date a citation shows.
_DATE_KEYS = ("updated", "effective", "promulgated", "date", "modified")


@dataclass
class FileMeta:
    """What a loader learned about a file besides its text."""

    doc_id: str = ""
    title: str = ""
    issuer: str = ""
    updated: str = ""
    origin: str = ""


def latest_date(value: Any) -> str:
    """The latest ISO date in a value (``2016-09-01（原法）；…2024-09-05``)."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    dates = []
    for year, month, day in _ISO_DATE.findall(str(value or "")):
        try:
            dates.append(dt.date(int(year), int(month), int(day)))
        except ValueError:
            continue
    return max(dates).isoformat() if dates else ""


def meta_from_mapping(data: Mapping[str, Any]) -> FileMeta:
    """Pick title, issuer, dates and source out of front matter."""
    meta = FileMeta(
        doc_id=str(data.get("doc_id") or data.get("id") or "").strip(),
        title=str(data.get("title") or "").strip(),
        issuer=str(data.get("issuer") or data.get("author") or "").strip(),
        origin=str(data.get("source") or "").strip(),
    )
    for key in _DATE_KEYS:
        found = latest_date(data.get(key))
        if found:
            meta.updated = found
            break
    return meta
