"""The bureau's reports: charts (PNG), spreadsheets (XLSX) and closing reports (PDF).

Everything here is synchronous and CPU-bound; handlers run it in a thread
(``asyncio.to_thread``) so the event loop keeps serving updates.
"""

from reports.fonts import MissingCjkFont, cjk_font

__all__ = ["MissingCjkFont", "cjk_font"]
