"""The terminal front: the same application driven from a terminal chat over a recording request.

This package's top level stays light (no Telegram, no SQLAlchemy): the CLI reads its defaults
for ``--help``.
"""

__all__ = ["DEMO_DATABASE_URL", "OUT_DIR"]

# The terminal chat's own database, built from the demo programme on first use. The chat never
# touches the configured database (HANDINHAND_DATABASE_URL) unless pointed at it explicitly.
DEMO_DATABASE_URL = "sqlite+aiosqlite:///handinhand-demo.db"

# Where the terminal chat saves the files the bot sends (charts, .ics, PDFs) and writes its log.
OUT_DIR = "handinhand-out"
