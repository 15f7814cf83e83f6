"""POST /wechat and GET /wechat through the real app and database."""

from __future__ import annotations

from wechat_fakes import TOKEN, reply_content, signed_query, text_xml


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
