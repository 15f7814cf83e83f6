"""The WeChat callback envelope: signatures, timestamps, safe-mode AES.

Signatures are checked here with ``hmac.compare_digest``; the AES work and
the reply XML are wechatpy's. The outer body is read first by ``read_fields``,
an expat parser that stops at any DOCTYPE, so an entity never reaches a
parser that might expand it, and in safe mode only ``<Encrypt>`` is trusted.
The decrypted message is parsed once, by wechatpy's ``parse_message``
(xmltodict, whose entities are disabled since 1.0.1): it came sealed with our
key, and the signature over it was already checked here.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import struct
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import NoReturn
from xml.parsers import expat

from wechatpy.crypto import PrpCrypto, WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException

from tools.errors import SignatureError, WeiaiError

MAX_BODY_BYTES = 64 * 1024


class MalformedMessage(WeiaiError):
    """The body is not a WeChat XML message we can read."""


def sign(*parts: str) -> str:
    """WeChat's signature: sha1 over the sorted parts, joined without spaces."""
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


def signature_matches(expected: str, given: str | None) -> bool:
    """Compare two hex signatures in constant time."""
    return hmac.compare_digest(expected.encode(), (given or "").encode())


@dataclass(frozen=True)
class CallbackQuery:
    """The query string WeChat adds to every callback."""

    signature: str | None = None
    timestamp: str | None = None
    nonce: str | None = None
    echostr: str | None = None
    encrypt_type: str | None = None
    msg_signature: str | None = None

    @property
    def encrypted(self) -> bool:
        return (self.encrypt_type or "").lower() == "aes"


@dataclass(frozen=True)
class Envelope:
    """A verified inbound message: its plain XML and how it arrived."""

    xml: str
    encrypted: bool


class _Refused(Exception):
    """Raised from inside the parser at the first sign of a DTD."""


def _refuse(*_args: object) -> NoReturn:
    raise _Refused


def read_fields(data: bytes | str) -> dict[str, str]:
    """The text of each child of the root ``<xml>``; DTDs and entities refused.

    Entities can be declared only inside a DOCTYPE, so refusing the DOCTYPE
    (and any entity declaration, should one get through) leaves nothing to
    expand; an undeclared ``&name;`` is a parse error by itself. Raises
    MalformedMessage for anything that is not such a document.
    """
    parser = expat.ParserCreate()
    fields: dict[str, str] = {}
    text: list[str] = []
    tags: list[str] = []
    root: list[str] = []

    def start(tag: str, _attrs: object) -> None:
        if not root:
            root.append(tag)
        tags.append(tag)
        if len(tags) == 2:
            text.clear()

    def end(tag: str) -> None:
        if len(tags) == 2:
            fields[tag] = "".join(text)
        tags.pop()

    def chars(data: str) -> None:
        if len(tags) == 2:
            text.append(data)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    parser.StartDoctypeDeclHandler = _refuse
    parser.EntityDeclHandler = _refuse
    parser.UnparsedEntityDeclHandler = _refuse
    parser.ExternalEntityRefHandler = _refuse
    try:
        parser.Parse(data, True)
    except (expat.ExpatError, _Refused, ValueError) as exc:
        raise MalformedMessage("请求体不是有效的 XML。") from exc
    if root != ["xml"]:
        raise MalformedMessage("请求体的根元素应为 <xml>。")
    return fields


class WeChatCodec:
    """Checks and opens WeChat callbacks and seals passive replies."""

    def __init__(
        self,
        token: str,
        *,
        aes_key: str = "",
        app_id: str = "",
        window: int = 300,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.token = token
        self.window = window
        self.clock = clock
        self.crypto = WeChatCrypto(token, aes_key, app_id) if aes_key else None
        # One cipher object for every message: building it per call costs as
        # much as the AES work itself. Each call makes its own cipher context.
        self._prp = PrpCrypto(self.crypto.key) if self.crypto else None

    def check_query(self, query: CallbackQuery) -> None:
        """Refuse a missing or stale timestamp and a wrong plain signature."""
        self._check_timestamp(query.timestamp)
        expected = sign(self.token, query.timestamp or "", query.nonce or "")
        if not signature_matches(expected, query.signature):
            raise SignatureError("签名校验失败。")

    def verify_url(self, query: CallbackQuery) -> str:
        """The echostr to return when WeChat checks the server URL.

        公众号 send a plain echostr signed with ``signature``; an encrypted
        echostr signed with ``msg_signature`` (the 企业微信 style) is decrypted.
        """
        if not (query.msg_signature and self.crypto):
            self.check_query(query)
            return query.echostr or ""
        self._check_timestamp(query.timestamp)
        echo = query.echostr or ""
        expected = sign(self.token, query.timestamp or "", query.nonce or "", echo)
        if not signature_matches(expected, query.msg_signature):
            raise SignatureError("签名校验失败。")
        try:
            plain = self._plain(echo)
        except InvalidAppIdException as exc:
            raise SignatureError("echostr 的 AppID 与本公众号不符。") from exc
        except (ValueError, TypeError, IndexError, struct.error) as exc:
            raise MalformedMessage("echostr 无法解密。") from exc
        return str(plain)

    def open(self, body: bytes, query: CallbackQuery) -> Envelope:
        """Verify a POST body and return the message XML inside it."""
        if len(body) > MAX_BODY_BYTES:
            raise MalformedMessage("请求体过大。")
        fields = read_fields(body)
        if not query.encrypted:
            self.check_query(query)
            return Envelope(xml=body.decode("utf-8"), encrypted=False)

        self._check_timestamp(query.timestamp)
        if self.crypto is None:
            raise MalformedMessage(
                "服务器未配置 EncodingAESKey，无法处理安全模式消息。"
            )
        encrypt = fields.get("Encrypt", "").strip()
        if not encrypt:
            raise MalformedMessage("安全模式消息缺少 <Encrypt>。")
        return Envelope(xml=self._decrypt(encrypt, query), encrypted=True)

    def _decrypt(self, encrypt: str, query: CallbackQuery) -> str:
        timestamp, nonce = query.timestamp or "", query.nonce or ""
        expected = sign(self.token, timestamp, nonce, encrypt)
        if not signature_matches(expected, query.msg_signature):
            raise SignatureError("消息签名校验失败。")
        try:
            return self._plain(encrypt)
        except InvalidAppIdException as exc:
            raise SignatureError("消息的 AppID 与本公众号不符。") from exc
        except (ValueError, TypeError, IndexError, struct.error) as exc:
            raise MalformedMessage("安全模式消息无法解密。") from exc

    def _plain(self, encrypt: str) -> str:
        """AES-decrypt ``encrypt`` and check the AppID sealed inside it."""
        assert self.crypto is not None and self._prp is not None
        return str(self._prp.decrypt(encrypt, self.crypto.app_id))

    def seal(self, reply_xml: str, *, encrypted: bool, nonce: str | None = None) -> str:
        """The response body: the reply itself, or its encrypted envelope."""
        if not encrypted:
            return reply_xml
        assert self.crypto is not None
        nonce = nonce or secrets.token_hex(8)
        timestamp = str(int(self.clock()))
        return str(self.crypto.encrypt_message(reply_xml, nonce, timestamp))

    def _check_timestamp(self, timestamp: str | None) -> None:
        try:
            moment = int(timestamp or "")
        except ValueError as exc:
            raise SignatureError("缺少或无效的 timestamp 参数。") from exc
        if abs(self.clock() - moment) > self.window:
            raise SignatureError("请求时间戳超出允许范围，可能是重放的请求。")
