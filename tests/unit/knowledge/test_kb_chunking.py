"""Chunking keeps legal articles whole and never cuts inside a sentence."""

from __future__ import annotations

from knowledge.chunking import ChunkingOptions, chunk_document, split_sentences
from knowledge.documents import Document, Entry

LAW = """# 示例条例

## 第一章 总则

第一条 为了规范志愿服务，制定本条例。

第二条 志愿服务应当自愿、无偿。

志愿者可以自行开展志愿服务活动。

第三条 本条例自2017年12月1日起施行。
"""


def _doc(text: str, **kwargs: object) -> Document:
    fields: dict[str, object] = {
        "doc_id": "d1",
        "title": "示例条例",
        "text": text,
        "source": "/tmp/d1.md",
        "updated": "2017-12-01",
    }
    fields.update(kwargs)
    return Document(**fields)  # type: ignore[arg-type]


def test_each_article_is_one_chunk_with_its_number_and_paragraphs() -> None:
    chunks = chunk_document(_doc(LAW))

    by_section = {chunk.section: chunk for chunk in chunks}
    assert [c.section for c in chunks] == ["第一条", "第二条", "第三条"]
    second = by_section["第二条"].text
    assert second.startswith("第二条 志愿服务应当自愿、无偿。")
    assert "志愿者可以自行开展志愿服务活动。" in second


def test_chunks_carry_document_id_title_position_date_and_hash() -> None:
    chunks = chunk_document(_doc(LAW))

    assert [c.position for c in chunks] == [0, 1, 2]
    for chunk in chunks:
        assert chunk.doc_id == "d1"
        assert chunk.title == "示例条例"
        assert chunk.updated == "2017-12-01"
        assert len(chunk.hash) == 64
        assert chunk.chunk_id.startswith("d1:")
    assert len({c.chunk_id for c in chunks}) == len(chunks)


def test_long_section_is_split_only_at_sentence_ends_with_overlap() -> None:
    sentences = [f"第{i}句话讲的是志愿服务中需要注意的第{i}件事情。" for i in range(40)]
    text = "## 注意事项\n\n" + "".join(sentences)
    options = ChunkingOptions(target_chars=120, max_chars=200, overlap_chars=40)

    chunks = chunk_document(_doc(text), options)

    assert len(chunks) > 3
    for chunk in chunks:
        assert chunk.section == "注意事项"
        assert chunk.text.endswith("。")
        assert len(chunk.text) <= options.max_chars
        assert all(part + "。" in sentences for part in chunk.text.split("。")[:-1])
    # The last sentence of one chunk opens the next one.
    first_tail = split_sentences(chunks[0].text)[-1]
    assert chunks[1].text.startswith(first_tail)


def test_overlong_article_is_packed_from_whole_sentences_under_its_number() -> None:
    body = "".join(f"志愿服务组织应当履行第{i}项义务；" for i in range(60))
    chunks = chunk_document(_doc(f"第九条 {body}"), ChunkingOptions(max_chars=300))

    assert len(chunks) > 1
    assert {c.section for c in chunks} == {"第九条"}
    assert all(c.text.endswith("；") for c in chunks)


def test_plain_text_chapter_lines_are_headings() -> None:
    text = "第一章 总则\n\n本手册说明服务规范。\n\n第二章 附则\n\n本手册由服务站解释。"
    chunks = chunk_document(_doc(text))

    assert [(c.section, c.text) for c in chunks] == [
        ("第一章 总则", "本手册说明服务规范。"),
        ("第二章 附则", "本手册由服务站解释。"),
    ]


def test_a_sentence_longer_than_the_maximum_is_cut_at_commas() -> None:
    sentence = "，".join(["志愿者应当遵守服务规范"] * 60) + "。"
    options = ChunkingOptions(target_chars=80, max_chars=100, overlap_chars=20)
    chunks = chunk_document(_doc(f"## 规范\n\n{sentence}"), options)

    assert all(len(c.text) <= 100 for c in chunks)
    assert all(c.text.endswith(("，", "。")) for c in chunks)
    assert "".join(c.text for c in chunks).count("志愿者") >= 60


def test_faq_entries_become_one_chunk_each_named_by_the_question() -> None:
    entries = [
        Entry("怎么绑定微信？", "发送 绑定 加绑定码。"),
        Entry("几点下班？", "17:30。"),
    ]
    chunks = chunk_document(_doc("", entries=entries, kind="faq"))

    assert [c.section for c in chunks] == ["怎么绑定微信？", "几点下班？"]
    assert chunks[0].text == "问：怎么绑定微信？\n发送 绑定 加绑定码。"
