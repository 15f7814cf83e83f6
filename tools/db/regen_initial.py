"""Regenerate the initial migration from the models (development aid).

While no deployment exists, the schema lives in one revision, ``0001``. Run
``make migration`` after changing a model; once a release is out, add new
revisions with ``alembic revision --autogenerate`` instead.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from alembic import command

from tools.db.engine import make_engine
from tools.db.migrate import MIGRATIONS, _config


def main() -> None:
    versions = MIGRATIONS / "versions"
    for old in versions.glob("0001_*.py"):
        old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'empty.db'}")
        config = _config(engine)
        command.revision(
            config, message="initial schema", autogenerate=True, rev_id="0001"
        )
        engine.dispose()
    target = versions / "0001_initial.py"
    for path in versions.glob("0001_*.py"):
        path.rename(target)
    ruff = [sys.executable, "-m", "ruff"]
    subprocess.run([*ruff, "check", "--fix", "--quiet", str(target)], check=False)
    subprocess.run([*ruff, "format", "--quiet", str(target)], check=True)


if __name__ == "__main__":
    main()
