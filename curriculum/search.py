"""Catalogue search: the same answers on PostgreSQL and on SQLite.

A query is parsed once, here, into groups that must all match. A group is a
word (matched after stemming, and as a prefix when it has three letters or
more, so "privac" finds "privacy"), a "quoted phrase", or alternatives joined
by "or"; "-word" leaves out modules that mention it. A word that is a
`SearchSynonym`'s term also matches that synonym's expansions ("ux" finds
"user experience"). Stop words are dropped before either database sees the
query, from the list PostgreSQL's English configuration uses, so both ignore
the same words. A query that is exactly a module's code finds that module first.

PostgreSQL: the groups become a `to_tsquery` over the stored, weighted vector
(title A, summary B, description C), unaccented on both sides, ranked with
`ts_rank`. SQLite: they become an FTS5 query over `curriculum_module_fts`
(porter stemmer, diacritics removed, prefix indexes; see migration 0004),
ranked with bm25 weighting title above summary above description.
"""

import operator
import re
import unicodedata
from dataclasses import dataclass, field
from functools import reduce

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Case, F, FloatField, Func, IntegerField, Lookup, Q, Value, When

from .models import ModuleSearchEntry, SearchSynonym

# A longer query is cut here: nobody types more, and it bounds the work.
MAX_QUERY_LENGTH = 200
# Shorter words are matched whole: "ux*" or "ml*" would find unrelated words.
MIN_PREFIX_LENGTH = 3
# So that a query of hundreds of words costs no more than a sentence.
MAX_GROUPS = 12

FTS_TABLE = "curriculum_module_fts"
FTS_TEXT_COLUMNS = "{title summary description}"

# PostgreSQL's English stop words (tsearch_data/english.stop). Dropping the
# same words on SQLite keeps "technology for decision makers" meaning the same
# on both: FTS5 would otherwise require "for" to appear in the module.
_STOP_WORD_TEXT = """
i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers
herself it its itself they them their theirs themselves what which who whom this that these those am is
are was were be been being have has had having do does did doing a an the and but if or because as until
while of at by for with about against between into through during before after above below to from up down
in out on off over under again further then once here there when where why how all any both each few more
most other some such no nor not only own same so than too very s t can will just don should now
"""
STOP_WORDS = frozenset(_STOP_WORD_TEXT.split())

# Letters and digits; everything else separates words on both databases.
WORD = re.compile(r"[^\W_]+")
# A "quoted phrase" (an unclosed quote runs to the end), or a run of non-spaces.
TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
# What a module code looks like (MPT7004): one token with a digit in it.
CODE = re.compile(r"(?=.*\d)[^\W_][\w-]{0,19}")


def clean_query(raw):
    """The search string as we will use it: control characters (NUL among them,
    which Postgres refuses) dropped, normalised, whitespace collapsed, capped."""
    text = unicodedata.normalize("NFKC", (raw or "")[: MAX_QUERY_LENGTH * 4])
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)
    # Lone surrogates cannot be encoded for the database.
    text = text.encode("utf-8", "ignore").decode("utf-8")
    return " ".join(text.split())[:MAX_QUERY_LENGTH].strip()


def normalise_term(text):
    """A word as synonyms are stored and looked up: lower case, accents removed."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def uses_postgres():
    return connection.vendor == "postgresql"


# --- Parsing --------------------------------------------------------------------

@dataclass(frozen=True)
class Term:
    words: tuple
    prefix: bool = False


@dataclass
class Group:
    """Modules must match one of the alternatives (or, if negated, none of them)."""

    alternatives: list
    negated: bool = False


@dataclass
class ParsedQuery:
    groups: list = field(default_factory=list)
    # The query itself, when it could be a module code (one token).
    code: str = ""

    @property
    def positive(self):
        return [g for g in self.groups if not g.negated]

    @property
    def is_empty(self):
        return not self.positive and not self.code


def _words(text):
    return [w.casefold() for w in WORD.findall(text)]


def _word_term(word):
    return Term((word,), prefix=len(word) >= MIN_PREFIX_LENGTH)


def _phrase_term(words):
    """A phrase keeps its stop words (FTS5 needs them to check the words are
    adjacent; Postgres counts them as gaps); one of only stop words says nothing."""
    if not words or all(w in STOP_WORDS for w in words):
        return None
    return Term(tuple(words))


def parse_query(query, synonyms=None):
    """`query` (already cleaned) as groups. `synonyms(words)` returns
    {term: [expansion, ...]} for the words that are synonym terms."""
    groups = []
    join_next = False
    for match in TOKEN.finditer(query):
        minus, phrase, bare = match.groups()
        if bare is not None and bare.casefold() == "or":
            join_next = bool(groups)
            continue
        if bare is not None and not bare.startswith("-"):
            new = [Group([_word_term(w)]) for w in _words(bare) if w not in STOP_WORDS]
        else:
            term = _phrase_term(_words(phrase if bare is None else bare[1:]))
            new = [Group([term], negated=bool(minus) or bare is not None)] if term else []
        if not new:
            continue
        if join_next and not new[0].negated and not groups[-1].negated:
            groups[-1].alternatives.extend(new.pop(0).alternatives)
        groups.extend(new)
        join_next = False
    groups = groups[:MAX_GROUPS]
    if synonyms is not None:
        _add_synonyms(groups, synonyms)
    parsed = ParsedQuery(groups)
    if CODE.fullmatch(query):
        parsed.code = query
    return parsed


def _add_synonyms(groups, synonyms):
    singles = {normalise_term(t.words[0]) for g in groups for t in g.alternatives if len(t.words) == 1}
    if not singles:
        return
    found = synonyms(sorted(singles))
    for group in groups:
        for term in list(group.alternatives):
            if len(term.words) != 1:
                continue
            for expansion in found.get(normalise_term(term.words[0]), []):
                extra = _phrase_term(_words(expansion))
                if extra and extra not in group.alternatives:
                    group.alternatives.append(extra)


def synonym_problems(term, expansion):
    """What is wrong with a synonym as typed, by field ({} when nothing is)."""
    problems = {}
    words = _words(term)
    if not term.strip():
        problems["term"] = "Enter the word people search for, for example ux"
    elif len(words) != 1 or "".join(words) != term.strip().casefold():
        problems["term"] = "Enter the term as one word of letters and numbers, for example a11y"
    elif words[0] in STOP_WORDS:
        problems["term"] = f"“{words[0]}” is too common a word for the search to use: choose another term"
    parts = [part.strip() for part in expansion.split(",") if part.strip()]
    if not parts:
        problems["expansion"] = "Enter what the term stands for, for example user experience"
    elif any(_phrase_term(_words(part)) is None for part in parts):
        problems["expansion"] = ("Enter words the module pages use: each phrase needs a word other than "
                                 "“the”, “of” and the like")
    return problems


def normalise_expansion(expansion):
    """The expansion as stored: its phrases trimmed, one space apart, comma-separated."""
    return ", ".join(" ".join(part.split()) for part in expansion.split(",") if part.strip())


def synonyms_for(words):
    """{term: [expansion, ...]} for those of `words` that are synonym terms. One query."""
    return {term: SearchSynonym(term=term, expansion=expansion).expansions
            for term, expansion in SearchSynonym.objects.filter(term__in=words).values_list("term", "expansion")}


# --- Each database's query language -----------------------------------------------

def _fts5_term(term):
    # Quoted, so that no word is read as an operator (AND, NOT, NEAR).
    return f'"{" ".join(term.words)}"' + ("*" if term.prefix else "")


def _fts5_group(group):
    return "(" + " OR ".join(_fts5_term(t) for t in group.alternatives) + ")"


def fts5_query(parsed):
    """The FTS5 MATCH expression: text columns for the words, the code column for a code."""
    parts = []
    if parsed.positive:
        text = " AND ".join(_fts5_group(g) for g in parsed.positive)
        for group in parsed.groups:
            if group.negated:
                text = f"({text}) NOT {_fts5_group(group)}"
        parts.append(f"{FTS_TEXT_COLUMNS} : ({text})")
    code_words = _words(parsed.code)
    if code_words:
        parts.append(f'code : "{" ".join(code_words)}"')
    return " OR ".join(parts)


def _tsquery_term(term):
    if len(term.words) == 1:
        return term.words[0] + (":*" if term.prefix else "")
    return "(" + " <-> ".join(term.words) + ")"


def _tsquery_group(group):
    text = "(" + " | ".join(_tsquery_term(t) for t in group.alternatives) + ")"
    return "!" + text if group.negated else text


def tsquery_text(parsed):
    """The text for Postgres's `to_tsquery('english', unaccent(...))`; empty when nothing is searched."""
    if not parsed.positive:
        return ""
    return " & ".join(_tsquery_group(g) for g in parsed.groups)


# --- The stored vector and the SQLite index -----------------------------------------

def _unaccent(expression):
    return Func(expression, function="unaccent")


def module_search_vector():
    return (
        SearchVector(_unaccent(F("title")), weight="A", config="english")
        + SearchVector(_unaccent(F("summary")), weight="B", config="english")
        + SearchVector(_unaccent(F("description")), weight="C", config="english")
    )


def refresh_search_vectors(queryset):
    """Bring these modules' search data up to date: the stored vector on Postgres,
    their rows of the FTS5 index on SQLite. One query either way."""
    if uses_postgres():
        queryset.update(search_vector=module_search_vector())
        return
    rows = queryset.order_by().values_list("pk", "title", "summary", "description", "code")
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT OR REPLACE INTO {FTS_TABLE} (rowid, title, summary, description, code) {sql}", params
        )


class Match(Lookup):
    """`<FTS5 table> MATCH <query>` (SQLite only)."""

    lookup_name = "match"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} MATCH {rhs}", [*lhs_params, *rhs_params]


# On the index's table-named column only, as `search_entry__document__match=...`:
# a filter through the relation joins the index (INNER JOIN), which FTS5 needs.
ModuleSearchEntry._meta.get_field("document").register_lookup(Match)


# --- Searching ------------------------------------------------------------------------

def search_modules(queryset, query):
    """Modules matching `query` (already cleaned), best first: an exact code,
    then by rank, then by code. An empty query returns the queryset untouched;
    a query with nothing to search for (only stop words) finds nothing."""
    if not query:
        return queryset
    parsed = parse_query(query, synonyms=synonyms_for)
    if parsed.is_empty:
        return queryset.none()
    if uses_postgres():
        text = tsquery_text(parsed)
        conditions = [Q(code__iexact=parsed.code)] if parsed.code else []
        if text:
            search = SearchQuery(_unaccent(Value(text)), search_type="raw", config="english")
            queryset = queryset.annotate(rank=SearchRank(F("search_vector"), search))
            conditions.append(Q(search_vector=search))
        else:
            queryset = queryset.annotate(rank=Value(0.0, output_field=FloatField()))
        queryset = queryset.filter(reduce(operator.or_, conditions))
    else:
        # bm25 is better when lower; negated so that both databases sort by "-rank".
        queryset = queryset.filter(search_entry__document__match=fts5_query(parsed)).annotate(
            rank=-F("search_entry__rank")
        )
    if not parsed.code:
        return queryset.order_by("-rank", "code")
    exact = Case(When(code__iexact=parsed.code, then=Value(1)), default=Value(0), output_field=IntegerField())
    return queryset.annotate(exact_code=exact).order_by("-exact_code", "-rank", "code")
