"""Filtering contacts by a search box query through the full-text index (kefu.fulltext.tokens).

Every term of the query must match (AND). A Chinese run of two or more characters is a phrase of its
bigrams, so it matches exactly the contacts whose text contains it, and no precision filter on the
original columns is needed; a lone Chinese character, a word or a number matches as a prefix of an
indexed token. A query of four or more digits also finds any part of a phone number.
"""

import time

from django.db import connections
from django.db.models import BooleanField, F, Func, Q, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Concat
from django.db.models.lookups import Contains

from kefu.fulltext.sqlite import FTS_TABLE
from kefu.fulltext.tokens import Term, query_terms

PHONE_QUERY_DIGITS = 4


VECTOR_COLUMN = "search_vector"


class _SimpleTsMatch(Func):
    """search_vector @@ to_tsquery('simple', query). The vector is PostgreSQL's stored generated column
    to_tsvector('simple', search_text) (fulltext migration 0002), which carries the GIN index; it is not
    a field of the Django model, so its name is put next to the compiled search_text column."""

    output_field = BooleanField()

    def as_sql(self, compiler, connection, **extra_context):
        column, query = self.source_expressions
        column_sql, _column_params = compiler.compile(column)
        query_sql, query_params = compiler.compile(query)
        table = column_sql.rsplit(".", 1)[0]
        vector = f'{table}."{VECTOR_COLUMN}"'
        sql = f"{vector} @@ to_tsquery('simple'::regconfig, {query_sql})"
        return sql, (*query_params,)


def _quoted(token: str, quote: str) -> str:
    # Tokens hold only Chinese characters, ASCII letters and digits, but quoting costs nothing and keeps
    # any query syntax (& | ! ( ) : * " ') out of the query should that ever change.
    if quote == "'":
        token = token.replace("\\", "\\\\")
    return quote + token.replace(quote, quote * 2) + quote


def tsquery_for(terms: list[Term]) -> str:
    parts = []
    for term in terms:
        if term.prefix:
            parts.append(_quoted(term.tokens[0], "'") + ":*")
        else:
            parts.append(" <-> ".join(_quoted(token, "'") for token in term.tokens))
    return " & ".join(f"({part})" for part in parts)


def fts5_query_for(terms: list[Term]) -> str:
    parts = []
    for term in terms:
        if term.prefix:
            parts.append(_quoted(term.tokens[0], '"') + "*")
        else:
            # A quoted string of several tokens is an FTS5 phrase: the tokens at consecutive positions.
            parts.append(_quoted(" ".join(term.tokens), '"'))
    return " AND ".join(parts)


def _phone_digits(terms: list[Term]) -> str | None:
    """The digits of a query made of digits only (spaces and dashes allowed: 138-1234-5678)."""
    if all(term.prefix and term.tokens[0].isdigit() for term in terms):
        digits = "".join(term.tokens[0] for term in terms)
        if len(digits) >= PHONE_QUERY_DIGITS:
            return digits
    return None


def _within_shown_digits(terms: list[Term], masker) -> list[Term]:
    """For a user who sees phone numbers masked, a run of digits matches an indexed word as a prefix
    only as far as a masked number shows (the first three digits, an area code); longer runs match
    whole words. Otherwise 1381234 would find the contacts whose phone starts so, and reveal the
    masked digits one search at a time (issue 11 item 1). A complete phone number is a whole word."""
    return [
        Term(term.tokens, prefix=False)
        if term.prefix and term.tokens[0].isdigit() and not masker.may_match_digits_as_prefix(term.tokens[0])
        else term
        for term in terms
    ]


def match_contacts(queryset, query: str, masker=None):
    """`queryset` (of hotline.Contact) narrowed to the contacts matching `query`; empty for a query with
    nothing to search for. The result is an ordinary QuerySet: filter, order and slice it further.
    `masker` (kefu.customers.masking.Masker) keeps numbers the user sees masked from being probed."""
    terms = query_terms(query)
    if not terms:
        return queryset.none()
    digits = _phone_digits(terms)
    if masker is not None:
        terms = _within_shown_digits(terms, masker)
    connection = connections[queryset.db]
    vendor = connection.vendor
    if vendor == "postgresql":
        condition = _postgresql_condition(connection, terms)
    elif vendor == "sqlite":
        condition = Q(
            id__in=RawSQL(
                f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [fts5_query_for(terms)]
            )
        )
    else:
        condition = _scan_condition(terms)
    if digits:
        condition |= masker.phone_filter("phone", digits) if masker is not None else Q(phone__contains=digits)
    matched = queryset.filter(condition)
    if vendor == "postgresql" and not digits and _expected_matches(connection, terms) <= FEW_MATCHES:
        if _counted_matches(connection, terms) <= FEW_MATCHES:
            return _few_matches_first(queryset, matched)
    return matched


# A query matching at most this many contacts is answered from the GIN index and sorted; above it, the
# ordered walk along received_at finds the first page sooner.
FEW_MATCHES = 5000


def _expected_matches(connection, terms: list[Term]) -> float:
    """How many contacts the statistics say the query can match at most: its rarest term's share of
    the table. A token outside the most-common list counts as absent (it is rarer than all listed);
    a prefix term could stand for many tokens, so it counts as matching everything."""
    frequencies = _token_frequencies(connection)
    shares = [
        1.0 if term.prefix else min(frequencies.get(token, 0.0) for token in term.tokens) for term in terms
    ]
    return min(shares) * _row_estimate(connection)


def _counted_matches(connection, terms: list[Term]) -> int:
    """At most FEW_MATCHES + 1: how many contacts hold every token of the query (phrases loosened to
    their tokens, an upper bound). Counting needs no column of the rows, so PostgreSQL answers from
    the GIN index and the visibility map without reading the table: a few milliseconds even for a
    token in tens of thousands of contacts, which the statistics (top 1,000 tokens) cannot size."""
    loose = [Term((token,), term.prefix) for term in terms for token in term.tokens]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM (SELECT 1 FROM hotline_contact "
            f"WHERE {VECTOR_COLUMN} @@ to_tsquery('simple'::regconfig, %s) LIMIT %s) AS found",
            [tsquery_for(loose), FEW_MATCHES + 1],
        )
        return cursor.fetchone()[0]


def _few_matches_first(queryset, matched):
    """PostgreSQL estimates any token outside its most-common list at a fixed few thousand rows, so
    for a rare or absent phrase it walks the received_at index backwards, filtering, until a page is
    full: through the whole table (seconds) when nothing matches. When the count says the matches
    are few, fetch exactly their ids (unordered, from the GIN index), which then sort in a millisecond;
    otherwise the ordered walk finds a page soon enough."""
    ids = list(matched.order_by().values_list("id", flat=True)[: FEW_MATCHES + 1])
    if len(ids) > FEW_MATCHES:
        return matched
    # The ids replace the text condition, so the planner sees a short list of keys, not a tsquery guess.
    return queryset.filter(id__in=ids) if ids else queryset.none()


def _postgresql_condition(connection, terms: list[Term]) -> Q:
    """The terms without phrases go to the index as one tsquery. A phrase (水表漏水) is written as its
    rarest bigram, which the index finds, AND the phrase itself inside COALESCE.

    Why: PostgreSQL estimates a phrase as if its bigrams were independent (10% × 1% × 10%), so it
    expects a few dozen matches, reads all of them through the GIN index and sorts them, which takes
    seconds when the phrase is in fact common (tens of thousands of contacts). A single bigram is
    estimated from the index's statistics, and the planner cannot see into COALESCE (it counts it as
    one half), so the estimate is about right and a common phrase is read along the received_at index
    until the first page is full."""
    plain = [term for term in terms if term.prefix or len(term.tokens) == 1]
    phrases = [term for term in terms if term not in plain]
    frequencies = _token_frequencies(connection)
    for phrase in phrases:
        rarest = min(phrase.tokens, key=lambda token: frequencies.get(token, 0.0))
        plain.append(Term((rarest,)))
    condition = Q(_SimpleTsMatch("search_text", Value(tsquery_for(list(dict.fromkeys(plain))))))
    if phrases:
        phrase_match = _SimpleTsMatch("search_text", Value(tsquery_for(phrases)))
        condition &= Q(Coalesce(phrase_match, Value(False), output_field=BooleanField()))
    return condition


_frequencies: dict[str, float] = {}
_rows = 0.0
_frequencies_read_at = 0.0
FREQUENCIES_MAX_AGE = 600.0


def _token_frequencies(connection) -> dict[str, float]:
    """The share of contacts holding each of the most common tokens (ANALYZE's statistics of the stored
    vector column), read at most every ten minutes. A token not listed is rarer than all listed."""
    _read_statistics(connection)
    return _frequencies


def _row_estimate(connection) -> float:
    _read_statistics(connection)
    return _rows


def _read_statistics(connection) -> None:
    global _frequencies, _rows, _frequencies_read_at
    if time.monotonic() - _frequencies_read_at <= FREQUENCIES_MAX_AGE:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
            "WHERE tablename = 'hotline_contact' AND attname = 'search_vector' "
            "AND most_common_elems IS NOT NULL"
        )
        row = cursor.fetchone()
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = 'hotline_contact'::regclass")
        rows = cursor.fetchone()
    _frequencies = dict(zip(row[0], row[1], strict=False)) if row else {}
    _rows = max(float(rows[0]), 0.0) if rows else 0.0
    _frequencies_read_at = time.monotonic()


def _scan_condition(terms: list[Term]) -> Q:
    """Without an index: the same matches found by scanning search_text (slow; other databases only)."""
    spaced = Concat(Value(" "), F("search_text"), Value(" "))
    condition = Q()
    for term in terms:
        tail = "" if term.prefix else " "
        condition &= Q(Contains(spaced, " " + " ".join(term.tokens) + tail))
    return condition
