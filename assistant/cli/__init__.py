"""The ``weiai`` command line.

Each module registers its commands on the groups in ``app.py``; packages that
sit above ``assistant`` (the webhook) add theirs through the ``weiai.commands``
entry-point group, so that imports keep running one way.
"""

from __future__ import annotations

import sys
from importlib.metadata import entry_points

import click
import typer

# Importing a command module registers its commands.
from assistant.cli import (  # noqa: F401
    chat,
    core,
    demo,
    eval_matching,
    eval_routing,
    ledger,
    volunteers,
)
from assistant.cli.app import app, eval_app
from assistant.cli.kb import kb_app, retrieval_eval
from assistant.logging_setup import configure_logging
from tools.errors import WeiaiError

app.add_typer(kb_app, name="kb")
eval_app.command("retrieval")(retrieval_eval)


def _load_plugins() -> None:
    for entry in entry_points(group="weiai.commands"):
        group = entry.load()
        if isinstance(group, typer.Typer):
            app.add_typer(group, name=entry.name)


def main() -> None:
    """Run the CLI; a known failure prints one line instead of a traceback."""
    configure_logging("WARNING")
    _load_plugins()
    try:
        # Without standalone mode click returns an Exit's code instead of
        # raising it.
        code = app(standalone_mode=False)
    except WeiaiError as exc:
        typer.secho(f"错误：{exc}", err=True, fg=typer.colors.RED)
        sys.exit(1)
    except typer.Abort:
        sys.exit(130)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:  # usage errors carry their own code
        exc.show()
        sys.exit(exc.exit_code)
    sys.exit(code if isinstance(code, int) else 0)
