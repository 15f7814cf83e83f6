"""POST /wechat and GET /wechat through the real app and database."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import select
from wechat_fakes import (
    TOKEN,
    ScriptedAssistant,
    reply_content,
    signed_query,
    text_xml,
)

from tools.db.messaging import InboundMessage, OutboxMessage
from webhook import inbox, texts


def test_text_message_gets_the_assistants_answer_as_passive_reply(
    client_for, assistant
):
    client = client_for()
    response = client.post(
        "/wechat", params=signed_query(TOKEN), content=text_xml("你好")
    )
    assert response.status_code == 200
    assert reply_content(response.text) == "答：你好"
    assert [m for _, m in assistant.calls] == ["你好"]


def _post(client: Any, xml: str | bytes, **query: str) -> Any:
    return client.post("/wechat", params={**signed_query(TOKEN), **query}, content=xml)


def test_body_over_64_kb_is_refused_and_nothing_is_stored(client_for, assistant):
    client = client_for()
    big = text_xml("长" * 30_000)  # 90 KB of UTF-8

    declared = _post(client, big)
    streamed = client.post(
        "/wechat",
        params=signed_query(TOKEN),
        content=iter([big.encode()[:40_000], big.encode()[40_000:]]),
    )

    assert declared.status_code == streamed.status_code == 413
    assert "64 KB" in declared.text
    assert assistant.calls == []
    assert _stored(client) == []


def test_malformed_xml_gets_400_without_a_traceback(client_for, assistant):
    client = client_for()
    for body in ("<xml><Content>未闭合", "not xml at all", "<root/>", ""):
        response = _post(client, body)
        assert response.status_code == 400, body
        assert "Traceback" not in response.text and "Error" not in response.text
    assert assistant.calls == []


def test_stale_timestamp_is_refused_as_a_replay(client_for, assistant):
    client = client_for()
    old = int(time.time()) - 301
    response = client.post(
        "/wechat", params=signed_query(TOKEN, timestamp=old), content=text_xml("你好")
    )
    assert response.status_code == 403
    assert assistant.calls == []


def test_a_user_over_the_rate_limit_gets_a_friendly_reply(client_for, assistant):
    client = client_for(rate_limit_per_minute=2)
    sent = [_post(client, text_xml(f"问题{i}")) for i in range(3)]
    replies = [reply_content(response.text) for response in sent]
    assert replies[:2] == ["答：问题0", "答：问题1"]
    assert replies[2] == texts.RATE_LIMITED
    assert [m for _, m in assistant.calls] == ["问题0", "问题1"]
    # Another user is not held back by the first one's rate.
    other = _post(client, text_xml("别人的问题", openid="oOther"))
    assert reply_content(other.text) == "答：别人的问题"


def test_methods_other_than_get_and_post_are_refused(client_for):
    client = client_for()
    assert client.put("/wechat", content=text_xml("你好")).status_code == 405


def test_documented_route_answers_like_the_fast_endpoint(client_for, assistant):
    client = client_for()
    fast = _post(client, text_xml("第一问"))
    fast_refused = client.post("/wechat", params={"timestamp": "1"}, content="<xml/>")
    client.app.wechat = None  # requests now go through FastAPI's router

    routed = _post(client, text_xml("第二问"))
    routed_refused = client.post("/wechat", params={"timestamp": "1"}, content="<xml/>")

    assert reply_content(fast.text) == "答：第一问"
    assert reply_content(routed.text) == "答：第二问"
    assert fast.headers["content-type"] == routed.headers["content-type"]
    assert fast_refused.status_code == routed_refused.status_code == 403
    assert fast_refused.text == routed_refused.text


def test_instant_answer_on_a_service_account_is_the_passive_reply(
    client_for, assistant
):
    client = client_for(wechat_account_type="service")
    response = _post(client, text_xml("你好"))

    assert reply_content(response.text) == "答：你好"
    [row] = _stored(client)
    assert (row.status, row.route) == ("delivered", "passive")
    assert row.reply_text == "答：你好"
    with client.app.state.services.runtime.engine.connect() as conn:
        assert conn.execute(select(OutboxMessage)).all() == []


def test_an_earlier_uncollected_answer_goes_out_before_an_instant_one(
    client_for, assistant
):
    client = client_for()
    engine = client.app.state.services.runtime.engine
    earlier = inbox.NewMessage("msg:earlier", "oUser1", "gh_test", "ask", "早先的问题")
    with engine.begin() as conn:
        row, _ = inbox.record(conn, earlier, "gone-worker", 30)
        inbox.add_pending(conn, row, "答：早先的问题", ["答：早先的问题"])

    reply = reply_content(_post(client, text_xml("新问题")).text) or ""

    assert reply.index("答：早先的问题") < reply.index("答：新问题")
    with engine.connect() as conn:
        assert not inbox.has_pending(conn, "oUser1")


def _stored(client: Any) -> list[Any]:
    with client.app.state.services.runtime.engine.connect() as conn:
        return list(conn.execute(select(InboundMessage.__table__)).all())


def _slow_direct_answers(monkeypatch: Any, seconds: float) -> None:
    """Make the write that takes an answer as the passive reply slow."""
    original = inbox.answer_directly

    def slow(*args: Any, **kwargs: Any) -> Any:
        time.sleep(seconds)
        return original(*args, **kwargs)

    monkeypatch.setattr(inbox, "answer_directly", slow)


def test_service_reply_taken_after_the_deadline_goes_out_by_the_outbox(
    client_for, assistant, monkeypatch
):
    client = client_for(wechat_account_type="service", wechat_reply_deadline=1.0)
    _slow_direct_answers(monkeypatch, 1.3)

    response = _post(client, text_xml("你好"))

    assert response.text == "success"
    engine = client.app.state.services.runtime.engine
    end = time.monotonic() + 5
    rows: list[Any] = []
    while not rows and time.monotonic() < end:
        time.sleep(0.05)
        with engine.connect() as conn:
            rows = conn.execute(select(OutboxMessage.__table__)).all()
    assert [r.text for r in rows] == ["答：你好"]
    [stored] = _stored(client)
    assert stored.route == "outbox"


def test_subscription_reply_taken_after_the_deadline_reaches_the_retry(
    client_for, assistant, monkeypatch
):
    client = client_for(wechat_reply_deadline=1.0)
    client.app.state.services.strategy.wechat_timeout = 0.2
    _slow_direct_answers(monkeypatch, 1.3)
    xml = text_xml("你好")

    first = _post(client, xml)
    time.sleep(0.5)
    second = _post(client, xml)

    assert first.text == ""  # lapsed, so WeChat delivers again
    assert reply_content(second.text) == "答：你好"
    assert len(assistant.calls) == 1


def test_subscription_reply_taken_at_the_last_delivery_waits_for_continue(
    client_for, monkeypatch
):
    # The answer lands while the third delivery waits, but the write taking
    # it as that reply is slower than the deadline: the user is told to send
    # 「继续」, and that must then bring the answer.
    assistant = ScriptedAssistant(delay=1.8)
    client = client_for(wechat_reply_deadline=1.0)
    services = client.app.state.services
    services.runner.assistant = assistant
    services.strategy.wechat_timeout = 0.2
    _slow_direct_answers(monkeypatch, 1.3)
    xml = text_xml("慢问题")

    replies = [_post(client, xml).text for _ in range(3)]
    time.sleep(1.0)
    collected = _post(client, text_xml("继续"))

    assert replies[:2] == ["", ""]
    assert reply_content(replies[2]) == texts.STILL_WORKING
    assert reply_content(collected.text) == "答：慢问题"
    assert [m for _, m in assistant.calls] == ["慢问题"]
