"""Oversight API under /api/v1: accountability cases (with the organisations and officials
held accountable), supervision actions (with findings, a secret visit's finding filed as a
problem, escalation proposals), meetings, battle teams (listed problems, visits),
responsibility letters, and the figures as of a date.

Thin: scope from oversight.queries (out of scope → 404), every write from
oversight.actions. Roles without business data get 403. Editable records carry a
`version`: send it back in the body or as If-Match; a stale one answers 409, none 428.
Officials' names and posts are null for roles that may not see them.
"""

from rectify.oversight.api import accountability, records, supervision, teams  # noqa: F401
from rectify.oversight.api.common import router

__all__ = ["router"]
