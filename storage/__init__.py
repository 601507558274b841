"""storage: the programme's tables, the async engine, repositories, migrations and imports.

Imports nothing of ours but its own modules (see the import-linter contracts).
"""
