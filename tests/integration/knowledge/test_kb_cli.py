"""``weiai kb ...`` and ``weiai eval retrieval`` as staff use them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from assistant.cli.kb import kb_app, retrieval_eval

HANDBOOK = """---
doc_id: "hb_contact"
title: "服务站地址与办公时间"
updated: "2025-03-01"
---

## 联系方式

服务站电话：8886 6100（工作时间接听）。

## 办公时间

周一至周五上午8:30至12:00开放。
"""


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch) -> typer.Typer:
    """The kb group and the eval command on a root app, with a fast embedder."""
    monkeypatch.setenv("WEIAI_EMBEDDING", "hash")
    root = typer.Typer()
    root.add_typer(kb_app, name="kb")
    eval_app = typer.Typer()
    eval_app.command("retrieval")(retrieval_eval)
    root.add_typer(eval_app, name="eval")
    return root


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "contact.md").write_text(HANDBOOK, encoding="utf-8")
    (folder / "empty.md").write_text("", encoding="utf-8")
    return folder


def test_add_list_search_and_remove(cli: typer.Typer, docs: Path) -> None:
    runner = CliRunner()

    added = runner.invoke(cli, ["kb", "add", str(docs), "--no-progress"])
    listed = runner.invoke(cli, ["kb", "list"])
    found = runner.invoke(cli, ["kb", "search", "8886 6100", "--k", "2", "--json"])
    removed = runner.invoke(cli, ["kb", "remove", "hb_contact"])
    again = runner.invoke(cli, ["kb", "remove", "hb_contact"])

    assert added.exit_code == 1
    assert "新增 1" in added.output and "失败 1" in added.output
    assert "empty.md：文件为空" in added.output
    assert "《服务站地址与办公时间》" in listed.output
    hits = json.loads(found.output)
    assert hits[0]["section"] == "联系方式"
    assert {"text", "score", "title", "section", "source"} <= set(hits[0])
    assert (
        hits[0]["citation"]
        == "出处：《服务站地址与办公时间》“联系方式”，更新于2025-03-01"
    )
    assert removed.exit_code == 0
    assert again.exit_code == 1


def test_search_prints_ranked_chunks_with_citations(
    cli: typer.Typer, docs: Path
) -> None:
    runner = CliRunner()
    runner.invoke(cli, ["kb", "add", str(docs / "contact.md"), "--no-progress"])

    result = runner.invoke(cli, ["kb", "search", "办公时间", "--k", "1"])

    assert result.exit_code == 0, result.output
    assert "[1] 得分" in result.output
    assert "出处：《服务站地址与办公时间》“办公时间”" in result.output


def test_the_size_limit_option_refuses_larger_files(
    cli: typer.Typer, docs: Path
) -> None:
    big = docs / "big.md"
    big.write_text("志愿服务。" * 400, encoding="utf-8")

    result = CliRunner().invoke(
        cli, ["kb", "add", str(big), "--max-mb", "0.001", "--no-progress"]
    )

    assert result.exit_code == 1, result.exception
    assert "文件过大" in result.output


def test_eval_retrieval_prints_recall_and_mrr(
    cli: typer.Typer, docs: Path, tmp_path: Path
) -> None:
    runner = CliRunner()
    runner.invoke(cli, ["kb", "add", str(docs / "contact.md"), "--no-progress"])
    cases = tmp_path / "cases.jsonl"
    lines = [
        {
            "question": "服务站电话 8886 6100",
            "expected": [{"doc_id": "hb_contact", "section": "联系方式"}],
        },
        {
            "question": "周一至周五几点开放",
            "expected": [{"doc_id": "hb_contact", "section": "办公时间"}],
        },
    ]
    cases.write_text(
        "\n".join(json.dumps(x, ensure_ascii=False) for x in lines), "utf-8"
    )

    result = runner.invoke(cli, ["eval", "retrieval", str(cases), "--mode", "lexical"])

    assert result.exit_code == 0, result.output
    assert "（2 个问题）" in result.output
    assert "lexical     1.000     1.000     1.000  1.000" in result.output
