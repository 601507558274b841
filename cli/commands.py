"""Imports every command module so that each registers its commands on the app.

One line per command group; each module adds its commands/sub-apps to ``cli.app``.
"""

from __future__ import annotations

from cli import broadcast as _broadcast  # noqa: F401  (broadcast, broadcast status|cancel)
from cli import curation as _curation  # noqa: F401  (kb export-phrasings)
from cli import db as _db  # noqa: F401  (db upgrade, db backup)
from cli import demo as _demo  # noqa: F401  (demo)
from cli import imports as _imports  # noqa: F401  (import enterprises|pairings|audits|items)
from cli import invite as _invite  # noqa: F401  (invite create)
from cli import kb as _kb  # noqa: F401  (ask, kb lint, kb eval)
from cli import pairings as _pairings  # noqa: F401  (pairing mentors)
from cli import report as _report  # noqa: F401  (report)
from cli import run as _run  # noqa: F401  (run, chat)
