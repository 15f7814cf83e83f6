"""Every vector in tests/data/wechat/vectors.json, through the real endpoint.

The vectors are Tencent's official samples, wechatpy's fixtures and hostile
XML. Crypto vectors replay old timestamps, so the app's clock is frozen at
the vector's time.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import wechatpy.crypto.base
import xmltodict
from sqlalchemy import select
from wechat_fakes import TOKEN, reply_content, signed_query
from wechatpy import parse_message
from wechatpy.crypto import WeChatCrypto

from tools.db import Resident, make_engine, make_session_factory
from webhook import texts
from webhook.protocol import sign
from webhook.services import Tunables

VECTORS = json.loads(
    (Path(__file__).parents[2] / "data" / "wechat" / "vectors.json").read_text("utf-8")
)
BY_KIND: dict[str, list[dict[str, Any]]] = {}
for _vector in VECTORS:
    BY_KIND.setdefault(_vector["kind"], []).append(_vector)


def vectors(*kinds: str) -> Any:
    chosen = [v for k in kinds for v in BY_KIND.get(k, [])]
    return pytest.mark.parametrize("vector", chosen, ids=[v["name"] for v in chosen])


def test_every_vector_is_covered_by_a_test_below() -> None:
    covered = {
        "mp_decrypt_message",
        "mp_decrypt_message_negative",
        "plain_signature",
        "plain_signature_negative",
        "mp_aes_encrypt_fixed_random",
        "mp_encrypt_message_fixed_random",
        "work_verify_url",
        "work_verify_url_negative",
        "work_decrypt_message",
        "work_encrypt_message_fixed_random",
        "parse_message",
        "render_reply",
        "hostile_xml",
    }
    assert {v["kind"] for v in VECTORS} <= covered
    assert len(VECTORS) == 31


def _client(client_for: Any, inputs: dict[str, Any], **extra: Any) -> Any:
    moment = float(inputs.get("timestamp") or inputs.get("time") or 0)
    values = {
        "wechat_token": inputs["token"],
        "wechat_aes_key": inputs.get("encoding_aes_key", ""),
        "wechat_app_id": inputs.get("app_id") or inputs.get("corp_id") or "",
    }
    return client_for(Tunables(clock=lambda: moment), **{**values, **extra})


def _safe_query(inputs: dict[str, Any], msg_signature: str) -> dict[str, str]:
    return {
        "timestamp": inputs["timestamp"],
        "nonce": inputs["nonce"],
        "encrypt_type": "aes",
        "msg_signature": msg_signature,
    }


@vectors("mp_decrypt_message")
def test_official_safe_mode_sample_reaches_the_assistant(client_for, assistant, vector):
    inputs, expected = vector["inputs"], vector["expected"]
    client = _client(client_for, inputs)
    query = _safe_query(inputs, inputs["msg_signature"])

    response = client.post("/wechat", params=query, content=inputs["post_body"])

    assert response.status_code == 200
    parsed = expected["parsed"]
    assert [m for _, m in assistant.calls] == [parsed["Content"]]
    crypto = WeChatCrypto(inputs["token"], inputs["encoding_aes_key"], inputs["app_id"])
    assert reply_content(response.text, crypto) == "答：" + parsed["Content"]
    assert (
        f"<ToUserName><![CDATA[{parsed['FromUserName']}]]>"
        in crypto.decrypt_message(
            response.text,
            *(
                xmltodict.parse(response.text)["xml"][k]
                for k in ("MsgSignature", "TimeStamp", "Nonce")
            ),
        )
    )


@vectors("mp_decrypt_message")
def test_safe_mode_trusts_only_the_encrypt_element(client_for, assistant, vector):
    inputs = vector["inputs"]
    client = _client(client_for, inputs)
    forged = (
        inputs["post_body"]
        .replace("abcdteT", "转账给我")
        .replace("oyORnuP8q7ou2gfYjqLzSIWZf0rs", "oForgedSender000000000000000")
    )

    response = client.post(
        "/wechat", params=_safe_query(inputs, inputs["msg_signature"]), content=forged
    )

    assert response.status_code == 200
    assert [(u.openid, m) for u, m in assistant.calls] == [
        ("oyORnuP8q7ou2gfYjqLzSIWZf0rs", "abcdteT")
    ]


@vectors("mp_decrypt_message_negative")
def test_bad_signature_or_foreign_appid_is_refused(client_for, assistant, vector):
    inputs = vector["inputs"]
    client = _client(client_for, inputs)

    response = client.post(
        "/wechat",
        params=_safe_query(inputs, inputs["msg_signature"]),
        content=inputs["post_body"],
    )

    assert response.status_code == 403
    assert "Traceback" not in response.text
    assert assistant.calls == []


@vectors("plain_signature")
def test_server_url_check_returns_echostr(client_for, vector):
    inputs, expected = vector["inputs"], vector["expected"]
    client = _client(client_for, inputs, wechat_aes_key="", wechat_app_id="")
    echostr = inputs.get("echostr", "5927782489442352469")
    query = {
        "signature": expected["signature"],
        "timestamp": inputs["timestamp"],
        "nonce": inputs["nonce"],
        "echostr": echostr,
    }

    response = client.get("/wechat", params=query)

    assert response.status_code == 200
    assert response.text == expected.get("response_body", echostr)


@vectors("plain_signature_negative")
def test_server_url_check_with_wrong_signature_is_refused(client_for, vector):
    inputs = vector["inputs"]
    client = _client(client_for, inputs, wechat_aes_key="", wechat_app_id="")
    query = {k: inputs[k] for k in ("signature", "timestamp", "nonce")}

    response = client.get("/wechat", params={**query, "echostr": "abc"})

    assert response.status_code == 403
    assert "abc" not in response.text


def _java_sample_post(client: Any, inputs: dict[str, Any], encrypt: str) -> Any:
    ts, nonce = "1409304348", "xxxxxx"
    query = {
        "timestamp": ts,
        "nonce": nonce,
        "encrypt_type": "aes",
        "msg_signature": sign(inputs["token"], ts, nonce, encrypt),
    }
    body = (
        "<xml><ToUserName><![CDATA[gh_7f083739789a]]></ToUserName>"
        f"<Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>"
    )
    return client.post("/wechat", params=query, content=body)


@vectors("mp_aes_encrypt_fixed_random")
def test_official_java_ciphertexts_decrypt_through_the_endpoint(
    client_for, assistant, vector, monkeypatch
):
    inputs, expected = vector["inputs"], vector["expected"]
    client = _client(client_for, {**inputs, "timestamp": "1409304348"})
    monkeypatch.setattr(
        wechatpy.crypto.base.BasePrpCrypto,
        "get_random_string",
        lambda self: inputs["random16"],
    )
    codec = client.app.state.services.codec
    assert codec.crypto is not None
    envelope = xmltodict.parse(codec.seal(inputs["plaintext"], encrypted=True))["xml"]
    assert envelope["Encrypt"] == expected["encrypt_b64"]

    response = _java_sample_post(client, inputs, expected["encrypt_b64"])

    if inputs["plaintext"].startswith("<xml>"):
        assert response.status_code == 200
        crypto = WeChatCrypto(
            inputs["token"], inputs["encoding_aes_key"], inputs["app_id"]
        )
        assert reply_content(response.text, crypto) == texts.MEDIA_ACK
    else:
        # Signature and AppID check out, but the plaintext is not XML.
        assert response.status_code == 400
    assert assistant.calls == []


@vectors("mp_encrypt_message_fixed_random")
def test_derived_msg_signature_is_accepted_and_reply_is_sealed(
    client_for, vector, monkeypatch
):
    inputs, expected = vector["inputs"], vector["expected"]
    client = _client(client_for, inputs)
    monkeypatch.setattr(
        wechatpy.crypto.base.BasePrpCrypto,
        "get_random_string",
        lambda self: inputs["random16"],
    )
    codec = client.app.state.services.codec
    sealed = codec.seal(inputs["plaintext"], encrypted=True, nonce=inputs["nonce"])
    assert sealed == expected["wechatpy_envelope"]

    query = _safe_query(inputs, expected["msg_signature"])
    body = f"<xml><Encrypt><![CDATA[{expected['encrypt_b64']}]]></Encrypt></xml>"
    response = client.post("/wechat", params=query, content=body)

    assert response.status_code == 200
    crypto = WeChatCrypto(inputs["token"], inputs["encoding_aes_key"], inputs["app_id"])
    assert reply_content(response.text, crypto) == texts.MEDIA_ACK


@vectors("work_verify_url")
def test_encrypted_echostr_is_decrypted(client_for, vector):
    inputs, expected = vector["inputs"], vector["expected"]
    client = _client(client_for, inputs)
    query = {k: inputs[k] for k in ("msg_signature", "timestamp", "nonce", "echostr")}

    response = client.get("/wechat", params=query)

    assert response.status_code == 200
    assert response.text == expected["decrypted_echostr"]


@vectors("work_verify_url_negative")
def test_encrypted_echostr_with_wrong_nonce_is_refused(client_for, vector):
    inputs = vector["inputs"]
    client = _client(client_for, inputs)
    query = {k: inputs[k] for k in ("msg_signature", "timestamp", "nonce", "echostr")}

    assert client.get("/wechat", params=query).status_code == 403


@vectors("work_decrypt_message")
def test_wechatpy_encrypted_text_reaches_the_assistant(client_for, assistant, vector):
    inputs, expected = vector["inputs"], vector["expected"]
    client = _client(client_for, inputs)

    response = client.post(
        "/wechat",
        params=_safe_query(inputs, inputs["msg_signature"]),
        content=inputs["post_body"],
    )

    assert response.status_code == 200
    subset = expected["parsed_subset"]
    assert [(u.openid, m) for u, m in assistant.calls] == [
        (subset["FromUserName"], subset["Content"])
    ]


@vectors("work_encrypt_message_fixed_random")
def test_reply_envelope_matches_wechatpy_byte_for_byte(client_for, vector, monkeypatch):
    inputs, expected = vector["inputs"], vector["expected"]
    client = _client(client_for, inputs)
    monkeypatch.setattr(
        wechatpy.crypto.base.BasePrpCrypto,
        "get_random_string",
        lambda self: inputs["random16"],
    )
    codec = client.app.state.services.codec

    sealed = codec.seal(inputs["reply_xml"], encrypted=True, nonce=inputs["nonce"])

    assert sealed == expected["envelope_xml"]


def _post_plain(client: Any, xml: str) -> Any:
    return client.post("/wechat", params=signed_query(TOKEN), content=xml)


PARSE_EXPECTATIONS: dict[str, Any] = {
    "msg_text": ("ask", "this is a test"),
    "msg_voice_with_recognition": ("ask", "腾讯微信团队"),
    "msg_image": ("reply", texts.IMAGE_ACK),
    "msg_voice": ("reply", texts.VOICE_UNRECOGNISED),
    "msg_video": ("reply", texts.MEDIA_ACK),
    "msg_location": ("reply", texts.LOCATION_SAVED),
    "msg_link": ("reply", texts.LINK_ACK),
    "event_subscribe": ("reply", texts.WELCOME),
    "event_unsubscribe": ("reply", None),
    "event_subscribe_scan_qrscene": (
        "reply",
        texts.WELCOME + "\n\n" + texts.GRID_UNKNOWN,
    ),
    "event_scan": ("reply", texts.GRID_UNKNOWN),
    "event_location": ("reply", None),
    "event_click": ("reply", texts.UNSUPPORTED),
    "event_view": ("reply", None),
    "msg_unknown_type": ("reply", texts.UNSUPPORTED),
}


@vectors("parse_message")
def test_message_and_event_fixtures_get_their_reply(
    client_for, assistant, database_url, vector
):
    xml = vector["inputs"]["xml"]
    message = parse_message(xml)
    for name, value in vector["expected"].items():
        if name == "class":
            assert type(message).__name__ == value
        elif name == "create_time_epoch":
            assert message.time == value
        else:
            assert getattr(message, name) == value, name
    client = client_for()

    response = _post_plain(client, xml)

    assert response.status_code == 200
    how, value = PARSE_EXPECTATIONS[vector["name"]]
    if how == "ask":
        assert [m for _, m in assistant.calls] == [value]
        assert reply_content(response.text) == "答：" + value
    else:
        assert assistant.calls == []
        assert reply_content(response.text) == value
        if value is None:
            assert response.text == "success"


LOCATION_VECTORS = [
    v for v in VECTORS if v["name"] in ("msg_location", "event_location")
]


@pytest.mark.parametrize("vector", LOCATION_VECTORS, ids=lambda v: v["name"])
def test_location_fixtures_store_the_residents_coordinates(
    client_for, database_url, vector
):
    client = client_for()
    _post_plain(client, vector["inputs"]["xml"])

    sessions = make_session_factory(make_engine(database_url))
    with sessions() as session:
        resident = session.scalar(select(Resident).where(Resident.openid == "fromUser"))
    assert resident is not None
    assert (round(resident.lat, 4), round(resident.lng, 4)) in {
        (23.1345, 113.3588),
        (23.1375, 113.3524),
    }


@vectors("render_reply")
def test_passive_reply_renders_like_wechatpy(client_for, vector):
    inputs, expected = vector["inputs"], vector["expected"]
    assistant_text = inputs["content"]
    client = client_for(Tunables(clock=lambda: float(inputs["time"])))
    client.app.state.services.runner.assistant.answer = lambda message: assistant_text
    xml = (
        f"<xml><ToUserName><![CDATA[{inputs['source']}]]></ToUserName>"
        f"<FromUserName><![CDATA[{inputs['target']}]]></FromUserName>"
        f"<CreateTime>{inputs['time']}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        "<Content><![CDATA[hello]]></Content><MsgId>42</MsgId></xml>"
    )
    query = signed_query(TOKEN, timestamp=int(inputs["time"]))

    response = client.post("/wechat", params=query, content=xml)

    assert response.text.startswith(expected["startswith"])
    assert response.text.endswith(expected["endswith"])
    for fragment in expected["contains"]:
        assert fragment in response.text


@vectors("hostile_xml")
def test_hostile_xml_is_refused_without_expansion(client_for, assistant, vector):
    client = client_for()

    response = _post_plain(client, vector["inputs"]["xml"])

    assert response.status_code == 400
    assert "lol" not in response.text and "root:" not in response.text
    assert "Traceback" not in response.text
    assert assistant.calls == []
