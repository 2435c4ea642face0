"""The log: where the command line sends what the libraries it stands on tolerate and warn about
(pdfminer's "Could not get FontBBox ...", Python warnings from pandas or Great Expectations) and
which document gbdocs was working on when they did — off the terminal and out of ``--json``.

Default place: ``$GBDOCS_LOG``, else the user's state folder (``~/.local/state/gbdocs/gbdocs.log``
on Linux, the application folder click knows elsewhere); ``gbdocs --log FILE`` chooses another,
``--log -`` sends it to stderr. The file rotates at 5 MB (two old files kept). A log that cannot
be written never stops the work: its records are dropped.

The Python API configures no logging (a library leaves that to its application) and only
quietens pdfminer below ERROR, as the command line did before it had a log.
"""

from __future__ import annotations

import logging
import os
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path

LOG_ENV = "GBDOCS_LOG"
MAX_BYTES = 5 * 1024 * 1024
FORMAT = "%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"


class _FolderOnFirstRecord(RotatingFileHandler):
    """The log's folder is made when the first record comes, not on ``gbdocs --help``."""

    def _open(self):  # type: ignore[no-untyped-def]
        Path(self.baseFilename).parent.mkdir(parents=True, exist_ok=True)
        return super()._open()


def default_log_path() -> Path:
    if os.environ.get(LOG_ENV):
        return Path(os.environ[LOG_ENV])
    if sys.platform.startswith("linux"):
        state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
        return Path(state) / "gbdocs" / "gbdocs.log"
    import click

    return Path(click.get_app_dir("gbdocs")) / "gbdocs.log"


def start_log(target: str | None) -> str:
    """Send the warnings of gbdocs and its libraries to ``target`` (a file, or "-" for stderr;
    None: the default place) instead of the terminal. Returns where they go."""
    handler: logging.Handler
    if target == "-":
        # a stream of its own on the terminal: the limited children point fd 2 at a file of
        # theirs (to find tracebacks), and their records must still reach the terminal
        terminal = os.fdopen(os.dup(sys.stderr.fileno()), "w", buffering=1, encoding="utf-8", errors="replace")
        handler, where = logging.StreamHandler(terminal), "stderr"
    else:
        path = Path(target) if target else default_log_path()
        handler = _FolderOnFirstRecord(path, maxBytes=MAX_BYTES, backupCount=2, encoding="utf-8", delay=True)
        where = str(path)
    handler.setFormatter(logging.Formatter(FORMAT))
    logging.raiseExceptions = False  # a full disk under the log must not print tracebacks on the terminal
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(logging.WARNING)
    logging.getLogger("gbdocs").setLevel(logging.INFO)
    logging.getLogger("pdfminer").setLevel(logging.WARNING)  # in the log, every tolerated flaw of a font
    logging.captureWarnings(True)
    return where
