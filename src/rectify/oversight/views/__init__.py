"""Oversight pages; thin: scope from oversight.queries, flags from oversight.permissions,
every write from oversight.actions, figures from oversight.stats."""
