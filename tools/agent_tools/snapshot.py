"""Write the tools' schemas as JSON: ``python -m tools.agent_tools.snapshot PATH``.

The test suite compares the tools against the committed file, so a change to
a name, description or argument shows up in review; after an intended
change, run this to refresh the file.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from sqlalchemy.orm import sessionmaker

from tools.actors import Actor
from tools.agent_tools import build_tools, tool_schemas


def current() -> list[dict[str, Any]]:
    """The schemas as the model sees them (they do not depend on the actor)."""
    return tool_schemas(build_tools(sessionmaker(), Actor(role="resident")))


def render() -> str:
    """The snapshot text: stable key order, Chinese kept readable."""
    return json.dumps(current(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def main() -> None:
    Path(sys.argv[1]).write_text(render(), encoding="utf-8")


if __name__ == "__main__":
    main()
