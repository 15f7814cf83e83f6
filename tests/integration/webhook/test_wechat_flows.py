"""The whole path: a fake WeChat posting to the app on a real uvicorn.

WeChat waits 5 s per delivery and delivers up to three times. Most cases run
on a scaled clock (WeChat's timeout 1 s, reply deadline 0.8 s) so that a
"30 s" answer crosses all three deliveries in a few seconds; one case keeps
the true timings.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import ServedApp, free_port
from sqlalchemy import select
from wechat_fakes import AES_KEY, TOKEN, FakeWeChat, ScriptedAssistant, text_xml
from wechatpy.crypto import WeChatCrypto

from tools.db import make_engine, make_session_factory
from tools.db.messaging import InboundMessage, OutboxMessage
from webhook import texts
from webhook.app import create_app
from webhook.services import Tunables

SCALE = 0.15
FAST = Tunables(
    lease=2.0, lease_tick=0.2, outbox_poll=0.1, orphan_after=1.0, wechat_timeout=1.0
)


def _app(
    make_settings: Any, assistant: ScriptedAssistant, api: str, **overrides: Any
) -> Any:
    values = {
        "wechat_reply_deadline": 0.8,
        "wechat_app_secret": "app-secret-for-tests",
        "wechat_api_base_url": api,
    }
    values.update(overrides)
    return create_app(make_settings(**values), assistant=assistant, tunables=FAST)


def _runs(database_url: str) -> list[InboundMessage]:
    sessions = make_session_factory(make_engine(database_url))
    with sessions() as session:
        return list(session.scalars(select(InboundMessage).order_by(InboundMessage.id)))


def test_retried_deliveries_start_one_run(make_settings, crypto, database_url):
    assistant = ScriptedAssistant(delay=1.3)
    with FakeWeChat(TOKEN, crypto=crypto, timeout=1.0) as wechat:
        app = _app(make_settings, assistant, wechat.api_base)
        with ServedApp(app) as served:
            attempts = wechat.deliver(served.url, text_xml("助浴怎么预约？"))

    assert [a.status for a in attempts] == [None, 200]
    assert wechat.final_text(attempts) == "答：助浴怎么预约？"
    assert len(assistant.calls) == 1
    assert [r.deliveries for r in _runs(database_url)] == [2]


def test_slow_answer_on_service_account_arrives_as_customer_service_message(
    make_settings, crypto
):
    assistant = ScriptedAssistant(delay=30 * SCALE)
    with FakeWeChat(TOKEN, crypto=crypto, timeout=1.0) as wechat:
        app = _app(
            make_settings, assistant, wechat.api_base, wechat_account_type="service"
        )
        with ServedApp(app) as served:
            attempts = wechat.deliver(
                served.url, text_xml("时间银行怎么兑换？", openid="oSvc")
            )
            sent = wechat.wait_sent(1, timeout=10)

    assert [a.status for a in attempts] == [200]
    assert attempts[0].body == "success"
    assert attempts[0].elapsed < 1.0
    assert sent == [
        {
            "touser": "oSvc",
            "msgtype": "text",
            "text": {"content": "答：时间银行怎么兑换？"},
        }
    ]
    assert wechat.token_fetches == 1
    assert len(assistant.calls) == 1


def test_slow_answer_on_subscription_account_is_collected_with_continue(
    make_settings, crypto
):
    assistant = ScriptedAssistant(delay=30 * SCALE)
    with FakeWeChat(TOKEN, crypto=crypto, timeout=1.0) as wechat:
        app = _app(make_settings, assistant, wechat.api_base)
        with ServedApp(app) as served:
            first = wechat.deliver(served.url, text_xml("四点半课堂几点开始？"))
            time.sleep(30 * SCALE)
            collected = wechat.deliver(served.url, text_xml("继续"))

    assert [a.status for a in first] == [None, None, 200]
    assert wechat.final_text(first) == texts.STILL_WORKING
    assert wechat.final_text(collected) == "答：四点半课堂几点开始？"
    assert [m for _, m in assistant.calls] == ["四点半课堂几点开始？"]


def test_second_question_while_an_answer_is_pending_is_answered_in_order(
    make_settings, crypto
):
    assistant = ScriptedAssistant(delays={"第一个问题": 30 * SCALE, "第二个问题": 0.0})
    with FakeWeChat(TOKEN, crypto=crypto, timeout=1.0) as wechat:
        app = _app(make_settings, assistant, wechat.api_base)
        with ServedApp(app) as served:
            first = wechat.deliver(served.url, text_xml("第一个问题"))
            second = wechat.deliver(served.url, text_xml("第二个问题"))
            time.sleep(30 * SCALE)
            third = wechat.deliver(served.url, text_xml("继续"))

    assert wechat.final_text(first) == texts.STILL_WORKING
    # The second question waits behind the first, and the first is never
    # handed out as the answer to the second.
    second_text = wechat.final_text(second) or ""
    assert "答：第二个问题" not in second_text or "答：第一个问题" in second_text
    combined = second_text + (wechat.final_text(third) or "")
    assert combined.index("答：第一个问题") < combined.index("答：第二个问题")
    assert combined.count("答：第一个问题") == combined.count("答：第二个问题") == 1
    assert [m for _, m in assistant.calls][:2] == ["第一个问题", "第二个问题"]


def test_true_timing_subscription_reply_crosses_all_three_deliveries(
    make_settings, crypto
):
    assistant = ScriptedAssistant(delay=15.5)
    with FakeWeChat(TOKEN, crypto=crypto, timeout=5.0) as wechat:
        app = create_app(
            make_settings(),
            assistant=assistant,
            tunables=Tunables(lease_tick=0.5, outbox_poll=0.2),
        )
        with ServedApp(app) as served:
            started = time.monotonic()
            attempts = wechat.deliver(served.url, text_xml("志愿服务证明怎么开？"))
            elapsed = time.monotonic() - started
            time.sleep(max(16.5 - elapsed, 0))
            collected = wechat.deliver(served.url, text_xml("继续"))

    assert [a.status for a in attempts] == [None, None, 200]
    assert 4.0 < attempts[2].elapsed < 5.0
    assert wechat.final_text(attempts) == texts.STILL_WORKING
    assert collected[0].elapsed < 5.0
    assert wechat.final_text(collected) == "答：志愿服务证明怎么开？"
    assert len(assistant.calls) == 1


def test_forged_signature_is_refused_and_starts_nothing(make_settings, crypto):
    assistant = ScriptedAssistant()
    forged = WeChatCrypto(
        "not-our-token",
        "abcdefghijklmnopqrstuvwxyz0123456789ABCDEF0",
        "wx0000000000000001",
    )
    with FakeWeChat("not-our-token", crypto=forged, timeout=1.0) as wechat:
        app = _app(make_settings, assistant, wechat.api_base)
        with ServedApp(app) as served:
            attempts = wechat.deliver(served.url, text_xml("伪造的消息"))

    assert [a.status for a in attempts] == [403]
    assert assistant.calls == []


def test_expired_access_token_is_refreshed_once_and_the_message_sent(
    make_settings, crypto
):
    assistant = ScriptedAssistant(delay=1.5)
    with FakeWeChat(TOKEN, crypto=crypto, timeout=1.0) as wechat:
        app = _app(
            make_settings, assistant, wechat.api_base, wechat_account_type="service"
        )
        with ServedApp(app) as served:
            wechat.deliver(served.url, text_xml("第一条", openid="oTok"))
            assert len(wechat.wait_sent(1, timeout=5)) == 1
            wechat.revoke_token()
            wechat.deliver(served.url, text_xml("第二条", openid="oTok"))
            sent = wechat.wait_sent(2, timeout=5)

    assert [s["text"]["content"] for s in sent] == ["答：第一条", "答：第二条"]
    assert wechat.token_fetches == 2


def test_over_quota_answer_is_held_until_the_users_next_message(
    make_settings, crypto, database_url
):
    assistant = ScriptedAssistant(delays={"慢问题": 1.5, "在吗": 0.0})
    with FakeWeChat(TOKEN, crypto=crypto, timeout=1.0) as wechat:
        wechat.send_errors = [45047]
        app = _app(
            make_settings, assistant, wechat.api_base, wechat_account_type="service"
        )
        with ServedApp(app) as served:
            wechat.deliver(served.url, text_xml("慢问题", openid="oQuota"))
            time.sleep(2.0)
            assert wechat.sent == []
            reply = wechat.deliver(served.url, text_xml("在吗", openid="oQuota"))
            sent = wechat.wait_sent(1, timeout=5)

    assert wechat.final_text(reply) == "答：在吗"
    assert [s["text"]["content"] for s in sent] == ["答：慢问题"]


def test_two_workers_on_one_database_run_a_retried_message_once(make_settings, crypto):
    assistant = ScriptedAssistant(delay=1.3)
    with FakeWeChat(TOKEN, crypto=crypto, timeout=1.0) as wechat:
        first = _app(make_settings, assistant, wechat.api_base)
        second = _app(make_settings, assistant, wechat.api_base)
        with ServedApp(first) as one, ServedApp(second) as two:
            xml = text_xml("同一条消息")
            lapsed = wechat.deliver(one.url, xml, attempts=1)
            retried = wechat.deliver(two.url, xml, attempts=1)

    assert lapsed[0].status is None
    assert wechat.final_text(retried) == "答：同一条消息"
    assert len(assistant.calls) == 1


@pytest.mark.redis
def test_redis_keys_hold_across_workers(make_settings, crypto, redis_url):
    assistant = ScriptedAssistant(delay=1.3)
    with FakeWeChat(TOKEN, crypto=crypto, timeout=1.0) as wechat:
        apps = [
            _app(make_settings, assistant, wechat.api_base, redis_url=redis_url)
            for _ in range(2)
        ]
        with ServedApp(apps[0]) as one, ServedApp(apps[1]) as two:
            xml = text_xml("经 Redis 去重的消息")
            wechat.deliver(one.url, xml, attempts=1)
            retried = wechat.deliver(two.url, xml, attempts=2)

    assert wechat.final_text(retried) == "答：经 Redis 去重的消息"
    assert len(assistant.calls) == 1


def _start(env: dict[str, str]) -> subprocess.Popen[bytes]:
    script = Path(__file__).parent / "serve_app.py"
    proc = subprocess.Popen([sys.executable, str(script)], env=env)
    url = f"http://127.0.0.1:{env['SERVE_PORT']}/healthz"
    end = time.monotonic() + 20
    while time.monotonic() < end:
        try:
            if httpx.get(url, timeout=0.5).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise AssertionError("app subprocess did not start")


def test_kill_9_mid_answer_still_delivers_after_restart(
    make_settings, crypto, database_url, tmp_path
):
    port = free_port()
    with FakeWeChat(TOKEN, crypto=crypto, timeout=1.0) as wechat:
        env = {
            **os.environ,
            "WEIAI_DATABASE_URL": database_url,
            "WEIAI_DATA_DIR": str(tmp_path / "data"),
            "WEIAI_WECHAT_ENABLED": "true",
            "WEIAI_WECHAT_TOKEN": TOKEN,
            "WEIAI_WECHAT_AES_KEY": AES_KEY,
            "WEIAI_WECHAT_APP_ID": "wx0000000000000001",
            "WEIAI_WECHAT_APP_SECRET": "app-secret-for-tests",
            "WEIAI_WECHAT_API_BASE_URL": wechat.api_base,
            "WEIAI_WECHAT_ACCOUNT_TYPE": "service",
            "WEIAI_WECHAT_REPLY_DEADLINE": "0.8",
            "WEIAI_LOG_LEVEL": "WARNING",
            "SERVE_PORT": str(port),
            "SERVE_DELAY": "30",
        }
        proc = _start(env)
        url = f"http://127.0.0.1:{port}/wechat"
        attempts = wechat.deliver(url, text_xml("请帮我登记助浴", openid="oKill"))
        proc.kill()
        proc.wait()
        assert [a.body for a in attempts] == ["success"]

        proc = _start({**env, "SERVE_DELAY": "0.2"})
        try:
            sent = wechat.wait_sent(1, timeout=15)
            time.sleep(0.5)
        finally:
            proc.kill()
            proc.wait()

    assert [s["text"]["content"] for s in wechat.sent] == ["答：请帮我登记助浴"]
    assert sent[0]["touser"] == "oKill"
    sessions = make_session_factory(make_engine(database_url))
    with sessions() as session:
        rows = session.scalars(select(OutboxMessage)).all()
    assert [r.status for r in rows] == ["sent"]
