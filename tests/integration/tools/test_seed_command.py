"""``weiai demo seed`` as an operator runs it, in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("WEIAI_")}
    clean["WEIAI_DATA_DIR"] = str(tmp_path / "data")
    clean["WEIAI_DATABASE_URL"] = f"sqlite:///{tmp_path / 'demo.db'}"
    clean["HF_HUB_OFFLINE"] = "1"
    return clean


def weiai(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args],
        env=env,
        cwd=Path(env["WEIAI_DATA_DIR"]).parent,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_seed_prints_counts_and_refuses_to_seed_twice_without_force(
    env: dict[str, str],
) -> None:
    first = weiai(["demo", "seed", "--scale", "0.02", "--quiet"], env)
    again = weiai(["demo", "seed", "--scale", "0.02", "--quiet"], env)
    forced = weiai(
        ["demo", "seed", "--scale", "0.02", "--quiet", "--force",
         "--admin-password", "operator-chosen-pw"],
        env,
    )  # fmt: skip

    assert first.returncode == 0, first.stderr
    assert "网格 217 个" in first.stdout
    assert "志愿者 107 名" in first.stdout
    assert "初始密码：" in first.stdout
    assert again.returncode == 1
    assert "--force" in again.stderr and "Traceback" not in again.stderr
    assert forced.returncode == 0, forced.stderr
    assert "初始密码" not in forced.stdout
