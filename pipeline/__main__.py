"""``python -m gbdocs``: the command line."""

from gbdocs.cli import main

main()
