"""``python -m assistant`` runs the ``weiai`` command line."""

from assistant.cli import main

main()
