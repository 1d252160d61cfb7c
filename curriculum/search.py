"""Catalogue search.

On Postgres: full-text search over a stored, weighted vector (title A, summary B,
description C), unaccented on both sides, ranked. On SQLite: a plain
case-insensitive contains on the same fields, title matches first.
"""

import unicodedata

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Case, F, Func, IntegerField, Q, Value, When

# A longer query is cut here: nobody types more, and it bounds the work.
MAX_QUERY_LENGTH = 200


def clean_query(raw):
    """The search string as we will use it: control characters (NUL among them,
    which Postgres refuses) dropped, normalised, whitespace collapsed, capped."""
    text = unicodedata.normalize("NFKC", (raw or "")[: MAX_QUERY_LENGTH * 4])
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)
    # Lone surrogates cannot be encoded for the database.
    text = text.encode("utf-8", "ignore").decode("utf-8")
    return " ".join(text.split())[:MAX_QUERY_LENGTH].strip()


def uses_postgres():
    return connection.vendor == "postgresql"


def _unaccent(expression):
    return Func(expression, function="unaccent")


def module_search_vector():
    return (
        SearchVector(_unaccent(F("title")), weight="A", config="english")
        + SearchVector(_unaccent(F("summary")), weight="B", config="english")
        + SearchVector(_unaccent(F("description")), weight="C", config="english")
    )


def refresh_search_vectors(queryset):
    """Recompute the stored vector for these modules (Postgres only). One query."""
    if uses_postgres():
        queryset.update(search_vector=module_search_vector())


def search_modules(queryset, query):
    """Modules matching `query` (already cleaned), best first."""
    if not query:
        return queryset
    if uses_postgres():
        search = SearchQuery(_unaccent(Value(query)), search_type="websearch", config="english")
        return (
            queryset.annotate(rank=SearchRank(F("search_vector"), search))
            .filter(search_vector=search)
            .order_by("-rank", "code")
        )
    contains = Q(title__icontains=query) | Q(summary__icontains=query) | Q(description__icontains=query)
    contains |= Q(code__iexact=query)
    return (
        queryset.filter(contains)
        .annotate(
            rank=Case(
                When(title__icontains=query, then=Value(3)),
                When(summary__icontains=query, then=Value(2)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("-rank", "code")
    )
