"""``weiai chat`` as a user runs it, against a local OpenAI-compatible server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from fake_openai_server import FakeOpenAI


def _chat(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "assistant", "chat", *args],
        env=env,
        cwd=Path(env["WEIAI_DATA_DIR"]).parent,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_one_message_runs_remember_the_conversation_between_runs(
    tmp_path: Path,
) -> None:
    with FakeOpenAI(tool_args={"category": "维修"}) as server:
        env = {k: v for k, v in os.environ.items() if not k.startswith("WEIAI_")}
        env.update(
            WEIAI_DATA_DIR=str(tmp_path / "data"),
            WEIAI_LLM="openai:fake-model",
            WEIAI_OPENAI_BASE_URL=server.base_url,
            WEIAI_OPENAI_API_KEY="sk-test",
            HF_HUB_OFFLINE="1",
        )
        ask = "我家水管漏水了，沿江花园5栋2单元，电话13812345678"
        first = _chat(["--user", "li", "-m", ask, "--json"], env)
        second = _chat(["--user", "li", "-m", "确认", "--json"], env)

    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    asked, done = json.loads(first.stdout), json.loads(second.stdout)
    assert asked["backend"] == "openai:fake-model"
    assert asked["awaiting_confirmation"] is True
    assert "138****5678" in asked["text"] and "13812345678" not in asked["text"]
    assert done["tool_calls"][0]["name"] == "submit_need"
    assert done["tool_calls"][0]["args"]["contact_phone"] == "138****5678"
    assert "XQ" in done["text"]
