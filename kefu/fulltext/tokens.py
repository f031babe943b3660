"""Search tokens for Chinese text, the same way for what is indexed and what is searched.

Neither PostgreSQL's `simple` parser (a run of Chinese characters is one token) nor pg_trgm (three
characters at least) nor SQLite's FTS5 trigram tokenizer (no rows for a two-character LIKE) finds a
two-character word such as 停水 inside 小区今天突然停水了. So the text is turned into tokens that the
databases' plain word tokenizers keep as they are, separated by spaces:

- every run of Chinese characters gives its overlapping character bigrams, in order (停水了 → 停水 水了),
  then its last character alone (了). Because the bigrams of a run sit at consecutive positions, a
  query of three or more characters is a *phrase* of bigrams (水表漏水 → 水表 <-> 表漏 <-> 漏水) and
  matches exactly the texts that contain it, with no false positives; the lone last character
  separates one run's bigrams from the next run's, and lets a one-character query match as a prefix
  (every character of a run starts a bigram or is the run's last character);
- every run of ASCII letters and digits gives itself, lower-cased, and when it mixes letters and
  digits also each part (rx20261122 → rx20261122 rx 20261122), so a contact number is found by its
  digits; a run of 7 or more digits (a phone number) also gives its last four digits.

jieba's words are not indexed: every two-character word is already a bigram and every longer one a
phrase of bigrams, so they would add about half again to the index and nothing to what is found
(see docs/PERFORMANCE.md, "Chinese full-text search").
"""

import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist

# CJK Unified Ideographs, Extension A and the compatibility block: what Chinese text in the hotline uses.
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUN = re.compile(rf"([{_CJK}]+)|([0-9a-z]+)")
_ALNUM_PARTS = re.compile(r"[0-9]+|[a-z]+")
PHONE_DIGITS = 7
# A search box query longer than this is cut: more tokens only slow the query down.
MAX_QUERY_CHARS = 100


def _normalise(text: str) -> str:
    # NFKC turns full-width digits and letters (１３８、ＲＸ) into ASCII, as agents type either.
    return unicodedata.normalize("NFKC", text or "").lower()


def _cjk_tokens(run: str) -> list[str]:
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)] + [run[-1]]


def _alnum_tokens(run: str) -> list[str]:
    tokens = [run]
    parts = _ALNUM_PARTS.findall(run)
    if len(parts) > 1:
        tokens.extend(parts)
    for part in parts:
        if part.isdigit() and len(part) >= PHONE_DIGITS:
            tokens.append(part[-4:])
    return tokens


def search_text_for(*parts: str) -> str:
    """The space-separated token string stored in Contact.search_text for the given text parts (matter,
    caller name, address, phone, number, reply …). Empty or None parts are skipped."""
    tokens: list[str] = []
    for part in parts:
        for cjk, alnum in _RUN.findall(_normalise(part)):
            tokens.extend(_cjk_tokens(cjk) if cjk else _alnum_tokens(alnum))
    return " ".join(tokens)


@dataclass(frozen=True)
class Term:
    """One piece of a query that a contact must contain.

    `tokens` is a phrase (consecutive tokens) for Chinese runs of two or more characters, a single token
    otherwise; `prefix` asks for tokens starting with the one given (a lone Chinese character, or a
    number or word the agent may not have typed out in full)."""

    tokens: tuple[str, ...]
    prefix: bool = False


def query_terms(query: str) -> list[Term]:
    """The terms of a search box query; all must match. Punctuation only separates terms."""
    terms: list[Term] = []
    for cjk, alnum in _RUN.findall(_normalise(query)[:MAX_QUERY_CHARS]):
        if cjk:
            if len(cjk) == 1:
                terms.append(Term((cjk,), prefix=True))
            else:
                terms.append(Term(tuple(cjk[i : i + 2] for i in range(len(cjk) - 1))))
        else:
            terms.append(Term((alnum,), prefix=True))
    # The same term twice adds nothing but work.
    return list(dict.fromkeys(terms))


def query_tokens(query: str) -> list[str]:
    """The index tokens a query looks for, in order and without repeats (停水通知 → 停水 水通 通知). A
    lone Chinese character, a word or a number is matched as a prefix of an indexed token. An empty
    list means the query has nothing to search for."""
    return list(dict.fromkeys(token for term in query_terms(query) for token in term.tokens))


def contact_search_text(contact) -> str:
    """The search_text of a hotline Contact: its matter, caller, address, phone and number, and the reply
    of its work order if it has one. The services and rebuild_search_text both use this."""
    try:
        reply = contact.work_order.reply
    except ObjectDoesNotExist:
        reply = ""
    return search_text_for(
        contact.matter, contact.caller_name, contact.address, contact.phone, contact.number, reply
    )
