"""Query functions per aggregate; each takes a keyword-only ``session`` (an ``AsyncSession``)
and leaves committing to the caller's unit of work (``async with factory() as s, s.begin():``).

Modules: ``enterprises``, ``people``, ``invites``, ``pairings``, ``audits``, ``items``, ``visits``,
``ledger`` (and ``questions``, ``help_requests``, owned by the bot).
"""
