"""Arguments code reads from a message without the model.

Each extractor is cheap, deterministic and conservative: it returns a value
only when the message states it plainly, and the model is asked for
whatever is still missing.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache

from tools import district

_MASKED_PHONE = re.compile(r"1[3-9]\d\*{4}\d{4}")
_LANDLINE = re.compile(r"(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)")
_UNIT = r"[0-9一二三四五六七八九十甲乙丙丁A-Za-z\-－号栋幢楼单元室层座期区#]*"
_ESTATE_SUFFIX = re.compile(
    rf"[\u4e00-\u9fff]{{2,6}}(?:花园|新村|家园|公寓|名苑|小区|雅居|社区){_UNIT}"
)
_LEAD = re.compile(r"^(我家|家住|住在|我住|住|在|于|地址是?|地点是?)")
_WHEN = re.compile(
    r"(今天|明天|后天|大后天|这周[一二三四五六日天]|下周[一二三四五六日天]|"
    r"周[一二三四五六日天]|星期[一二三四五六日天])?\s*"
    r"(早上|上午|中午|下午|傍晚|晚上)"
)
_FEMALE = re.compile(r"我妈|俺娘|母亲|奶奶|外婆|姥姥|婆婆|老太太|阿姨|大妈")
_MALE = re.compile(r"我爸|俺爹|父亲|爷爷|外公|姥爷|公公|老头|大爷|老爷子")


@cache
def _places() -> tuple[str, ...]:
    """Estate and community names of the district, longest first."""
    names = {grid.estate for grid in district.grids()}
    names |= {community.name for community in district.communities()}
    return tuple(sorted(names, key=len, reverse=True))


def phone(text: str) -> str | None:
    """The one (masked) mobile or landline number in the message."""
    found = _MASKED_PHONE.findall(text) or _LANDLINE.findall(text)
    return found[0] if len(set(found)) == 1 else None


def address(text: str) -> str | None:
    """A known estate or community name with the building and unit after it."""
    for name in _places():
        start = text.find(name)
        if start >= 0:
            match = re.match(rf"{re.escape(name)}{_UNIT}", text[start:])
            return match.group(0) if match else name
    match = _ESTATE_SUFFIX.search(text)
    return _LEAD.sub("", match.group(0)) if match else None


def when(text: str) -> str | None:
    """A stated day and part of day, such as 「明天上午」."""
    match = _WHEN.search(text)
    return match.group(0).replace(" ", "") if match else None


def gender(text: str) -> str | None:
    """The person served, when the message says 我妈 or 我爸 and not both."""
    female, male = bool(_FEMALE.search(text)), bool(_MALE.search(text))
    if female == male:
        return None
    return "女" if female else "男"


def year(text: str, today: date) -> int | None:
    """A year named as 2025年, 今年 or 去年."""
    if match := re.search(r"(20\d{2})\s*年", text):
        return int(match.group(1))
    if "今年" in text or "本年" in text:
        return today.year
    if "去年" in text:
        return today.year - 1
    return None


_ASSIGNMENT = re.compile(r"(?:派单|任务)\s*(?:号|编号)?\s*(?:是|为)?\s*(\d{1,9})(?!\d)")
_VOLUNTEER = re.compile(
    r"(?<!\d)(\d{1,9})\s*号志愿者|志愿者\s*(?:编号)?\s*(\d{1,9})\s*号?"
)
_COUNT = re.compile(r"(\d{1,2})\s*(?:个|位|名)")


def assignment_id(text: str) -> int | None:
    """The number after 派单 or 任务, as in 「派单号 88」."""
    match = _ASSIGNMENT.search(text)
    return int(match.group(1)) if match else None


def volunteer_id(text: str) -> int | None:
    """The number in 「12 号志愿者」 or 「志愿者 12 号」."""
    match = _VOLUNTEER.search(text)
    if not match:
        return None
    return int(match.group(1) or match.group(2))


def count(text: str) -> int | None:
    """How many were asked for, as in 「推荐 3 个」."""
    match = _COUNT.search(text)
    return int(match.group(1)) if match else None


def category(text: str, keywords: dict[str, str]) -> str | None:
    """The one category whose plain words the message uses, or None."""
    named = [name for name, words in keywords.items() if re.search(words, text)]
    return named[0] if len(named) == 1 else None
