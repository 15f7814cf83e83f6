"""Run the app with a scripted assistant in its own process (for kill -9 tests).

Arguments come from the environment the test sets: WEIAI_* settings as usual,
plus SERVE_PORT and SERVE_DELAY (the assistant's delay in seconds).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import uvicorn

sys.path.insert(0, str(Path(__file__).parent))

from wechat_fakes import ScriptedAssistant  # noqa: E402

from webhook.app import create_app  # noqa: E402
from webhook.services import Tunables  # noqa: E402


def main() -> None:
    delay = float(os.environ["SERVE_DELAY"])
    tunables = Tunables(lease=1.0, lease_tick=0.2, outbox_poll=0.1, orphan_after=1.0)
    app = create_app(assistant=ScriptedAssistant(delay=delay), tunables=tunables)
    uvicorn.run(
        app, host="127.0.0.1", port=int(os.environ["SERVE_PORT"]), log_level="warning"
    )


if __name__ == "__main__":
    main()
