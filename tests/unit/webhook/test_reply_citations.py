from assistant.api import Citation, Reply
from webhook.agent import render_reply


def test_wechat_text_cites_each_source_once_in_the_shared_format() -> None:
    article = Citation("志愿服务条例", "第十七条", "2017-12-01", "/kb/r.md")
    reply = Reply(text="志愿者有权获得必要的条件和保障。", citations=[article, article])
    text = render_reply(reply)
    assert text.startswith("志愿者有权获得必要的条件和保障。\n\n")
    assert text.count("出处：《志愿服务条例》第十七条，更新于2017-12-01") == 1


def test_a_reply_without_sources_is_just_its_text() -> None:
    assert render_reply(Reply(text="您好！")) == "您好！"
