"""Chinese full-text search over problem titles and descriptions.

SQLite: an FTS5 table with the trigram tokenizer (kept in sync by triggers, see migration
0003). PostgreSQL: pg_trgm GIN indexes serve the same LIKE '%…%' lookups. Terms shorter
than three characters (trigrams cannot index them) fall back to a plain LIKE.
"""

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL


def _fts_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def search_problems(qs: QuerySet, text: str) -> QuerySet:
    """Problems whose number, title or description contain every whitespace-separated term."""
    terms = [t for t in (text or "").split() if t]
    for term in terms:
        if connection.vendor == "sqlite" and len(term) >= 3:
            ids = RawSQL(
                "SELECT rowid FROM problems_problem_fts WHERE problems_problem_fts MATCH %s",
                [_fts_phrase(term)],
            )
            qs = qs.filter(Q(pk__in=ids) | Q(number=term))
        else:
            qs = qs.filter(
                Q(title__icontains=term) | Q(description__icontains=term) | Q(number=term)
            )
    return qs
