"""The command line as a newcomer uses it, run as real subprocesses."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

WEIAI = [sys.executable, "-m", "assistant"]


def run(
    args: list[str], env: dict[str, str], timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    # Run outside the repository so that a developer's own .env is not read.
    cwd = tempfile.mkdtemp(prefix="weiai-cwd-")
    return subprocess.run(
        [*WEIAI, *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("WEIAI_")}
    clean["WEIAI_DATA_DIR"] = str(tmp_path / "data")
    clean["WEIAI_LLM"] = "openai"
    clean["WEIAI_OPENAI_BASE_URL"] = "http://127.0.0.1:9/v1"
    clean["WEIAI_OPENAI_API_KEY"] = "sk-test"
    clean["HF_HUB_OFFLINE"] = "1"
    return clean


@pytest.fixture(scope="module")
def initialised(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """One data directory initialised with the demo organisation."""
    data = tmp_path_factory.mktemp("init") / "data"
    clean = {k: v for k, v in os.environ.items() if not k.startswith("WEIAI_")}
    clean.update(
        WEIAI_DATA_DIR=str(data),
        WEIAI_LLM="openai",
        WEIAI_OPENAI_BASE_URL="http://127.0.0.1:9/v1",
        WEIAI_OPENAI_API_KEY="sk-test",
        HF_HUB_OFFLINE="1",
    )
    result = run(["init"], clean, timeout=600)
    assert result.returncode == 0, result.stderr
    return clean


def test_help_lists_the_commands(env: dict[str, str]) -> None:
    result = run(["--help"], env)
    assert result.returncode == 0
    for command in ("init", "serve", "doctor", "demo", "kb", "ledger", "chat"):
        assert command in result.stdout


def test_init_then_doctor_reports_a_healthy_install(
    initialised: dict[str, str],
) -> None:
    result = run(["doctor"], initialised)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "✗" not in result.stdout
    assert "一切正常" in result.stdout


def test_init_again_changes_nothing(initialised: dict[str, str]) -> None:
    result = run(["init"], initialised)
    assert result.returncode == 0, result.stderr
    assert "已是最新" in result.stdout
    assert "跳过演示数据" in result.stdout
    assert "跳过默认文档导入" in result.stdout


def test_doctor_on_an_empty_data_dir_says_what_to_run(env: dict[str, str]) -> None:
    result = run(["doctor"], env)
    assert result.returncode == 1
    assert "weiai init" in result.stdout


def test_malformed_setting_is_one_line_without_traceback(env: dict[str, str]) -> None:
    env["WEIAI_PORT"] = "eighty"
    result = run(["doctor"], env)
    assert result.returncode == 1
    assert "WEIAI_PORT" in result.stderr
    assert "Traceback" not in result.stderr


def test_unreachable_postgresql_is_one_line_without_traceback(
    env: dict[str, str],
) -> None:
    env["WEIAI_DATABASE_URL"] = "postgresql+psycopg://x@127.0.0.1:1/none"
    result = run(["init", "--no-demo", "--no-model"], env)
    assert result.returncode == 1
    assert "WEIAI_DATABASE_URL" in result.stderr
    assert "Traceback" not in result.stderr


def test_unwritable_data_dir_is_one_line_without_traceback(
    env: dict[str, str], tmp_path: Path
) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file, not a directory", encoding="utf-8")
    env["WEIAI_DATA_DIR"] = str(blocker / "data")
    result = run(["init", "--no-demo", "--no-model"], env)
    assert result.returncode == 1
    assert "WEIAI_DATA_DIR" in result.stderr
    assert "Traceback" not in result.stderr


def test_serve_with_wechat_enabled_and_no_token_refuses(env: dict[str, str]) -> None:
    env["WEIAI_WECHAT_ENABLED"] = "true"
    result = run(["serve"], env)
    assert result.returncode == 1
    assert "WEIAI_WECHAT_TOKEN" in result.stderr
