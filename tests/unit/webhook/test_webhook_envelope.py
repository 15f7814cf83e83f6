"""The outer envelope parser refuses anything with a DTD before it can expand."""

from __future__ import annotations

import pytest

from webhook.protocol import MalformedMessage, read_fields

LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    "<xml><Content>&lol2;</Content></xml>"
)
EXTERNAL = (
    '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    "<xml><Content>&xxe;</Content></xml>"
)


def test_top_level_fields_are_read_with_cdata():
    body = (
        b"<xml><ToUserName><![CDATA[gh_1]]></ToUserName>"
        b"<Encrypt><![CDATA[a+b/c=]]></Encrypt><Deep><A>1</A></Deep></xml>"
    )
    fields = read_fields(body)
    assert fields["ToUserName"] == "gh_1"
    assert fields["Encrypt"] == "a+b/c="


@pytest.mark.parametrize(
    "body",
    [
        LAUGHS,
        EXTERNAL,
        "<!DOCTYPE xml><xml><Content>hi</Content></xml>",
        "<xml><Content>&undeclared;</Content></xml>",
        LAUGHS.replace('"1.0"?>', '"1.0" encoding="UTF-16"?>').encode("utf-16"),
        "<root><Content>hi</Content></root>",
        "<xml><Content>unclosed",
        "",
    ],
)
def test_hostile_or_broken_bodies_are_refused(body):
    with pytest.raises(MalformedMessage):
        read_fields(body)
