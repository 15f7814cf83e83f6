"""The custom menu of the official account."""

from __future__ import annotations

from typing import Any

from webhook.intake import MENU_FAQ, MENU_HELP, MENU_HOURS, MENU_HUMAN


def build_menu(web_url: str | None) -> dict[str, Any]:
    """The menu JSON for WeChat's menu/create API."""
    service = [
        {"type": "click", "name": "我的时长", "key": MENU_HOURS},
        {"type": "click", "name": "常见问题", "key": MENU_FAQ},
        {"type": "click", "name": "联系人工", "key": MENU_HUMAN},
    ]
    if web_url:
        service.append({"type": "view", "name": "网页聊天", "url": web_url})
    return {
        "button": [
            {"type": "click", "name": "我要求助", "key": MENU_HELP},
            {"name": "服务", "sub_button": service},
        ]
    }
