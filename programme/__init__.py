"""The programme's rules and workflows: the use-case layer between the fronts and the rest.

Functions here take plain values (ids, roles, local dates, a clock) and a session or unit of work,
and return results or raise :mod:`programme.errors`. Nothing here imports ``bot`` or ``telegram``.
"""
