"""Fictional personal data for the demo: names, phones, identity numbers.

Phones use real mobile prefixes with random digits; identity numbers use the
region code 990102, which belongs to no real place, so no generated number
can be a real person's.
"""

from __future__ import annotations

import random

# Common surnames, roughly by frequency (the first ones are drawn most).
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董"
    "袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟"
)
_GIVEN_F = "秀英桂芳玉兰丽敏静婷雪梅红霞燕萍娟琳慧颖欣怡佳琪雨涵梦瑶晓晴淑珍凤莲"
_GIVEN_M = "伟强军磊洋勇杰涛明超刚辉鹏华斌建国平东文浩宇轩俊博然志毅子睿晨阳德福"
_REGION = "990102"
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_PREFIX_DIGITS = "138139136137135150151158186187188133153180189177199"
MOBILE_PREFIXES = tuple(_PREFIX_DIGITS[i : i + 3] for i in range(0, 51, 3))


def person_name(rng: random.Random, gender: str) -> str:
    """A two- or three-character name."""
    # Weight the first surnames more heavily, as real frequencies do.
    surname = SURNAMES[min(int(rng.expovariate(1 / 14)), len(SURNAMES) - 1)]
    pool = _GIVEN_F if gender == "F" else _GIVEN_M
    if rng.random() < 0.3:
        return surname + rng.choice(pool)
    return surname + rng.choice(pool) + rng.choice(pool)


def mobile(rng: random.Random) -> str:
    """An 11-digit mobile number."""
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def id_number(rng: random.Random, birth_year: int, gender: str) -> str:
    """An 18-character identity number with a valid check character."""
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    order = rng.randrange(0, 999)
    # The ninth of the order digits is odd for men, even for women.
    order = order - order % 2 + (1 if gender == "M" else 0)
    body = f"{_REGION}{birth_year:04d}{month:02d}{day:02d}{order % 1000:03d}"
    total = sum(int(d) * w for d, w in zip(body, _ID_WEIGHTS, strict=True))
    return body + _ID_CHECK[total % 11]
