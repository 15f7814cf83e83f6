"""The per-user rate limit and the retry identity of messages and events."""

from __future__ import annotations

from wechatpy import parse_message

from webhook.guards import MemoryRateLimit
from webhook.intake import classify, dedup_key
from webhook.protocol import sign, signature_matches


def test_rate_limit_refuses_the_message_over_the_rate_and_recovers_after_a_minute():
    now = [1000.0]
    limiter = MemoryRateLimit(3, clock=lambda: now[0])

    assert [limiter.allow("u") for _ in range(4)] == [True, True, True, False]
    assert limiter.allow("other")
    now[0] += 60
    assert limiter.allow("u")


def test_events_are_keyed_by_sender_time_and_event():
    xml = (
        "<xml><ToUserName>gh</ToUserName><FromUserName>oA</FromUserName>"
        "<CreateTime>123</CreateTime><MsgType>event</MsgType>"
        "<Event>subscribe</Event></xml>"
    )
    assert dedup_key(parse_message(xml)) == "evt:oA:123:subscribe"


def test_bind_command_is_handled_without_the_assistant():
    xml = (
        "<xml><ToUserName>gh</ToUserName><FromUserName>oA</FromUserName>"
        "<CreateTime>123</CreateTime><MsgType>text</MsgType>"
        "<Content>绑定 123456</Content><MsgId>9</MsgId></xml>"
    )
    plan = classify(parse_message(xml))
    assert (plan.dedup_key, plan.kind) == ("msg:9", "done")


def test_signature_is_sha1_of_sorted_parts_compared_in_constant_time():
    expected = "f21891de399b4e33a1a93c9a7b8a8fffb5a443ff"
    assert sign("test", "1410685589", "test") == expected
    assert signature_matches(expected, expected)
    assert not signature_matches(expected, expected[:-1] + "e")
    assert not signature_matches(expected, None)
