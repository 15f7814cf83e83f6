"""``weiai wechat …``: commands that talk to the WeChat API."""

from __future__ import annotations

import typer

from assistant.runtime import Runtime
from assistant.settings import load_settings
from tools.errors import ConfigError
from webhook.menu import build_menu
from webhook.wechat_api import DatabaseStorage, SharedTokenClient

wechat_app = typer.Typer(help="微信公众号：自定义菜单等。", no_args_is_help=True)
menu_app = typer.Typer(help="自定义菜单。", no_args_is_help=True)
wechat_app.add_typer(menu_app, name="menu")


@menu_app.command("push")
def push(
    web_url: str = typer.Option(
        "",
        help="「网页聊天」按钮打开的公网地址（如 https://example.org/）；留空则不加该按钮。",
    ),
) -> None:
    """按本助手的菜单（我要求助、我的时长、常见问题、联系人工）创建公众号自定义菜单。"""
    settings = load_settings()
    secret = settings.wechat_app_secret.get_secret_value()
    if not (settings.wechat_app_id and secret):
        raise ConfigError(
            "创建菜单需要 WEIAI_WECHAT_APP_ID 和 WEIAI_WECHAT_APP_SECRET"
            "（见公众号后台「基本配置」）。"
        )
    runtime = Runtime(settings)
    try:
        client = SharedTokenClient(
            settings.wechat_app_id,
            secret,
            storage=DatabaseStorage(runtime.sessions),
            base_url=settings.wechat_api_base_url,
        )
        client.menu.create(build_menu(web_url or None))
    finally:
        runtime.close()
    typer.echo("菜单已创建，约 5 分钟内在公众号生效。")
